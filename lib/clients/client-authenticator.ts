import { Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { isBasicAuthorization, parseBasicCredentials } from '../protocol/basic-credentials';
import type { RequestParameters } from '../protocol/request-parameters';
import { ClientStore } from '../redis/client-store';
import { AttemptLimiter } from '../throttling/attempt-limiter';
import { attemptSource } from '../throttling/attempt-source';
import { clientSubject } from '../throttling/attempt-subject';
import { tooManyAttempts } from '../throttling/too-many-attempts';
import { clientWithSecret, toClient } from './client-records';
import { MetadataDocumentClients } from './metadata-document-clients';

/**
 * How a client authenticated at the token endpoint (RFC 7591 §2 names).
 * @publicApi
 */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Who made a request to the token, revocation or introspection endpoint. */
export interface AuthenticatedClient {
  /** The client; `null` when the request named none. */
  readonly client: OAuthClient | null;
  /** How it authenticated; `none` for a public client naming itself, or for no client. */
  readonly method: ClientAuthenticationMethod;
}

/** `invalid_client` (401) with the Basic challenge. */
export function invalidClient(realm: string, description: string): OAuthError {
  // RFC 6749 §5.2 and RFC 9110 §15.5.2: a 401 names the scheme the client should use.
  const challenge = `Basic realm="${realm}", charset="UTF-8"`;
  return new OAuthError('invalid_client', description, {
    headers: { 'WWW-Authenticate': challenge },
  });
}

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3):
 * HTTP Basic, or `client_id` and `client_secret` in the body, never both; a public client
 * names itself with `client_id` alone. Secrets are checked under the brute-force limit.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly realm: string;

  constructor(
    private readonly store: ClientStore,
    private readonly limiter: AttemptLimiter,
    @Inject(OAUTHIST_OPTIONS) options: ResolvedOAuthistOptions,
    private readonly documents: MetadataDocumentClients,
  ) {
    this.realm = options.realm;
  }

  /** `invalid_client` (401) with this server's Basic challenge. */
  invalidClient(description: string): OAuthError {
    return invalidClient(this.realm, description);
  }

  /**
   * The client of the request; throws `OAuthError` for bad or conflicting credentials. The
   * caller has refused a repeated or malformed `client_id` or `client_secret` already.
   */
  async authenticate(parameters: RequestParameters): Promise<AuthenticatedClient> {
    const bodyId = parameters.get('client_id');
    const bodySecret = parameters.get('client_secret');
    const header = parameters.authorization;
    if (isBasicAuthorization(header)) {
      if (bodySecret !== undefined) {
        throw new OAuthError(
          'invalid_request',
          'use one client authentication method, not two (RFC 6749 §2.3)',
        );
      }
      const credentials = parseBasicCredentials(header);
      if (credentials === null) throw this.invalidClient('malformed HTTP Basic credentials');
      if (bodyId !== undefined && bodyId !== credentials.id) {
        throw new OAuthError(
          'invalid_request',
          'client_id differs from the client of the Authorization header',
        );
      }
      const client = await this.withSecret(credentials.id, credentials.secret, parameters);
      return { client, method: 'client_secret_basic' };
    }
    if (bodySecret !== undefined) {
      if (bodyId === undefined)
        throw new OAuthError('invalid_request', 'client_secret was sent without client_id');
      const client = await this.withSecret(bodyId, bodySecret, parameters);
      return { client, method: 'client_secret_post' };
    }
    if (bodyId !== undefined) {
      if (bodyId.isWellFormed() && this.documents.handles(bodyId)) {
        return { client: await this.documentClient(bodyId), method: 'none' };
      }
      const record = bodyId.isWellFormed() ? await this.store.getForRequest(bodyId) : null;
      if (record === null) throw this.invalidClient('client_id names no registered client');
      const client = toClient(record);
      if (client.isConfidential)
        throw this.invalidClient('a confidential client must authenticate (RFC 6749 §3.2.1)');
      return { client, method: 'none' };
    }
    return { client: null, method: 'none' };
  }

  /** The client of a Client ID Metadata Document, its failure as this server's `invalid_client`. */
  private async documentClient(clientId: string): Promise<OAuthClient> {
    try {
      return await this.documents.get(clientId);
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'invalid_client') {
        throw this.invalidClient(error.description);
      }
      throw error;
    }
  }

  /**
   * Checks a client's secret under the brute-force limit. The limit is read in the same command
   * as the client, and only a failure is counted, so a success costs no extra command. A burst
   * of parallel guesses can all be checked before the first failure is counted; that is
   * acceptable here, unlike for passwords, as the secrets are 256 random bits.
   */
  private async withSecret(
    id: string,
    secret: string,
    parameters: RequestParameters,
  ): Promise<OAuthClient> {
    // There is no secret to guess: say what is wrong rather than count a failure.
    if (id.isWellFormed() && this.documents.handles(id)) {
      throw this.invalidClient(
        'a client metadata document describes a public client, which sends client_id without a secret (CIMD section 4.1)',
      );
    }
    const subject = clientSubject(id, attemptSource(parameters.sourceAddress));
    // An id that is not well-formed names no client, but its guesses are counted all the same.
    if (!id.isWellFormed() || id.length === 0) {
      await this.limiter.assertAllowed(subject);
    } else {
      const { record, retryAfterMs } = await this.store.getForAuthentication(
        id,
        subject.source,
        this.limiter.limits,
      );
      if (retryAfterMs > 0) throw tooManyAttempts(subject, retryAfterMs);
      const client = clientWithSecret(record, secret);
      if (client !== null) return client;
      this.store.forgetAuthentication(id, subject.source);
    }
    await this.limiter.recordFailure(subject);
    throw this.invalidClient('client authentication failed');
  }
}
