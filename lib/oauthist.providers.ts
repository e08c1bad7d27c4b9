import type { Provider } from '@nestjs/common';
import { UserCredentialsVerifier } from './credentials/user-credentials-verifier';
import { GrantIds } from './crypto/grant-ids';
import { GrantStore } from './redis/grant-store';
import { RedisConnection } from './redis/redis-connection';
import { UnsupportedRedisVersionError } from './redis/redis-server-version';
import type { OAuthistModuleOptions } from './interfaces';
import { OAUTHIST_OPTIONS } from './oauthist.constants';
import { OAUTHIST_MODULE_OPTIONS } from './oauthist.module-definition';
import { resolveOptions } from './options/resolve-options';
import type { ResolvedOptions } from './options/resolved-options';

/** Validates the options once, at start-up, so that a bad option stops the application early. */
export const resolvedOptionsProvider: Provider = {
  provide: OAUTHIST_OPTIONS,
  useFactory: (options: OAuthistModuleOptions) => resolveOptions(options),
  inject: [OAUTHIST_MODULE_OPTIONS],
};

/**
 * The password grant's verifier: the `passwordVerifier` option, or none (the grant is off).
 * A provider for `UserCredentialsVerifier` in `extraProviders` replaces this one.
 */
export const userCredentialsVerifierProvider: Provider = {
  provide: UserCredentialsVerifier,
  useFactory: (options: ResolvedOptions) => options.passwordVerifier,
  inject: [OAUTHIST_OPTIONS],
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
