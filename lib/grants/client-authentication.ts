import type { ClientService } from '../clients/client.service';
import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import type { AttemptLimiter } from '../throttling/attempt-limiter';
import { clientSubject } from '../throttling/attempt-subject';
import { tooManyAttempts } from '../throttling/too-many-attempts';
import type { RequestParameters } from './request-parameters';

/**
 * How a client authenticated at the token endpoint (RFC 7591 §2 names).
 * @publicApi
 */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `invalid_client` (401) with the Basic challenge. */
export function invalidClient(realm: string, description: string): OAuthError {
  // RFC 6749 §5.2 and RFC 9110 §15.5.2: a 401 names the scheme the client should use.
  const challenge = `Basic realm="${realm}", charset="UTF-8"`;
  return new OAuthError('invalid_client', description, {
    headers: { 'WWW-Authenticate': challenge },
  });
}

// RFC 6749 §2.3.1: id and secret are form-url-encoded before Basic encoding.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function basicCredentials(header: string, realm: string): [string, string] {
  const encoded = header.slice('basic '.length).trim();
  const decoded = BASE64.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient(realm, 'malformed HTTP Basic credentials');
  try {
    return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
  } catch {
    throw invalidClient(realm, 'malformed HTTP Basic credentials');
  }
}

/**
 * Checks a client's secret under the brute-force limit. The limit is read in the same command
 * as the client, and only a failure is counted, so a success costs no extra command. A burst
 * of parallel guesses can all be checked before the first failure is counted; that is
 * acceptable here, unlike for passwords, as the secrets are 256 random bits.
 */
async function authenticateWithSecret(
  clients: ClientService,
  limiter: AttemptLimiter,
  id: string,
  secret: string,
  realm: string,
): Promise<OAuthClient> {
  const subject = clientSubject(id);
  // An id that is not well-formed names no client, but its guesses are counted all the same.
  if (!id.isWellFormed() || id.length === 0) {
    await limiter.assertAllowed(subject);
  } else {
    const { client, retryAfterMs } = await clients.authenticateWithinLimit(
      id,
      secret,
      limiter.limits,
    );
    if (retryAfterMs > 0) throw tooManyAttempts(subject, retryAfterMs);
    if (client !== null) return client;
  }
  await limiter.recordFailure(subject);
  throw invalidClient(realm, 'client authentication failed');
}

/**
 * Authenticates the client of a token request (RFC 6749 §2.3): HTTP Basic, or `client_id` and
 * `client_secret` in the body, never both; a public client names itself with `client_id` alone.
 * `client` is `null` when the request names no client at all; `realm` goes in the Basic challenge.
 */
export async function authenticateClient(
  clients: ClientService,
  limiter: AttemptLimiter,
  parameters: RequestParameters,
  realm: string,
): Promise<{ client: OAuthClient | null; method: ClientAuthenticationMethod }> {
  const faulty = parameters.firstFaulty(['client_id', 'client_secret']);
  if (faulty)
    throw new OAuthError('invalid_request', `${faulty} is repeated or malformed (RFC 6749 §3.2)`);
  const bodyId = parameters.get('client_id');
  const bodySecret = parameters.get('client_secret');
  const header = parameters.authorization;
  if (header !== undefined && /^basic /i.test(header)) {
    if (bodySecret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'use one client authentication method, not two (RFC 6749 §2.3)',
      );
    }
    const [id, secret] = basicCredentials(header, realm);
    if (bodyId !== undefined && bodyId !== id) {
      throw new OAuthError(
        'invalid_request',
        'client_id differs from the client of the Authorization header',
      );
    }
    const client = await authenticateWithSecret(clients, limiter, id, secret, realm);
    return { client, method: 'client_secret_basic' };
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined)
      throw new OAuthError('invalid_request', 'client_secret was sent without client_id');
    const client = await authenticateWithSecret(clients, limiter, bodyId, bodySecret, realm);
    return { client, method: 'client_secret_post' };
  }
  if (bodyId !== undefined) {
    const client = await clients.get(bodyId);
    if (client === null) throw invalidClient(realm, 'client_id names no registered client');
    if (client.isConfidential)
      throw invalidClient(realm, 'a confidential client must authenticate (RFC 6749 §3.2.1)');
    return { client, method: 'none' };
  }
  return { client: null, method: 'none' };
}
