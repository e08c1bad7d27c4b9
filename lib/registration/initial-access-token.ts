import { OAuthError } from '../errors';
import { bearerChallenge } from '../protocol/bearer-challenge';

// RFC 6750 §2.1: `Bearer` and a b64token, the scheme's name in any case (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Checks the initial access token of a registration request (RFC 7591 §3) with `verify`, and
 * refuses as RFC 6750 §3 does: 401 `invalid_token` with a Bearer challenge, which names no
 * error when no bearer token was sent at all (§3.1).
 */
export async function checkInitialAccessToken(
  authorization: string | undefined,
  verify: (token: string) => Promise<boolean>,
  realm: string,
): Promise<void> {
  const sent = authorization !== undefined && /^Bearer(\s|$)/i.test(authorization);
  if (!sent) {
    throw new OAuthError(
      'invalid_token',
      'an initial access token is required: send Authorization: Bearer (RFC 7591 §3)',
      { headers: { 'WWW-Authenticate': bearerChallenge(realm, null, []) } },
    );
  }
  const token = BEARER.exec(authorization)?.[1];
  if (token !== undefined && (await verify(token))) return;
  const description = 'the initial access token is not valid (RFC 7591 §3)';
  const refusal = new OAuthError('invalid_token', description);
  throw new OAuthError('invalid_token', description, {
    headers: { 'WWW-Authenticate': bearerChallenge(realm, refusal, []) },
  });
}
