import type { Provider } from '@nestjs/common';
import { SignedInUserResolver } from './credentials/signed-in-user-resolver';
import { UserCredentialsVerifier } from './credentials/user-credentials-verifier';
import { GrantIds } from './crypto/grant-ids';
import type { OAuthistModuleOptions } from './interfaces';
import {
  CLIENT_METADATA_DOCUMENT_RESOLVER,
  systemHostResolver,
} from './metadata-documents/host-resolver';
import { OAUTHIST_MODULE_OPTIONS } from './oauthist.module-definition';
import { resolveOptions } from './options/resolve-options';
import { OAUTHIST_OPTIONS } from './options/resolved-options';
import { GrantStore } from './redis/grant-store';
import { RedisConnection } from './redis/redis-connection';
import { UnsupportedRedisVersionError } from './redis/redis-server-version';

/** Validates the options once, at start-up, so that a bad option stops the application early. */
export const resolvedOptionsProvider: Provider = {
  provide: OAUTHIST_OPTIONS,
  useFactory: (options: OAuthistModuleOptions) => resolveOptions(options),
  inject: [OAUTHIST_MODULE_OPTIONS],
};

/**
 * No password verifier: the password grant is off until the application provides one, in
 * `extraProviders` (which come after this one and so replace it) or with `overrideProvider()`.
 */
export const noUserCredentialsVerifierProvider: Provider = {
  provide: UserCredentialsVerifier,
  useFactory: (): UserCredentialsVerifier | null => null,
};

/**
 * No session: the authorization endpoint does not know who is signed in, and sends every
 * valid request to the consent page, until the application provides a resolver.
 */
export const noSignedInUserResolverProvider: Provider = {
  provide: SignedInUserResolver,
  useFactory: (): SignedInUserResolver | null => null,
};

/**
 * The system's resolver for Client ID Metadata Document hosts; `extraProviders` (which come
 * after this one) replace it.
 */
export const systemHostResolverProvider: Provider = {
  provide: CLIENT_METADATA_DOCUMENT_RESOLVER,
  useValue: systemHostResolver,
};

/**
 * The grant id derivation, keyed with the deployment's secret from Redis: read once at start-up,
 * so a Redis that does not answer then, or is older than oauthist runs on, stops the
 * application with a clear error.
 */
export const grantIdsProvider: Provider = {
  provide: GrantIds,
  useFactory: async (store: GrantStore, connection: RedisConnection) => {
    let secret: Buffer;
    try {
      // Before anything is written: an older server would fail later, on some request.
      await connection.checkServerVersion();
      secret = await store.serverSecret();
    } catch (error) {
      connection.disconnectIfOwned();
      if (error instanceof UnsupportedRedisVersionError) throw error;
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new Error(
        `oauthist: Redis did not answer at start-up: ${reason instanceof Error ? reason.message : String(reason)}`,
        { cause: error },
      );
    }
    const grantIds = new GrantIds(secret);
    connection.client.on('ready', () => {
      store.serverSecret().then(
        (key) => grantIds.rekey(key),
        () => undefined, // the next reconnection tries again
      );
    });
    return grantIds;
  },
  inject: [GrantStore, RedisConnection],
};
