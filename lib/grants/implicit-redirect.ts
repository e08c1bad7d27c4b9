import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { redirectTo } from '../protocol/redirect-uri';

/**
 * The implicit grant's answer (RFC 6749 §4.2.2): the token in the redirect's fragment, with
 * the issuer (RFC 9207) when one is configured.
 */
export function implicitRedirect(
  redirectUri: string,
  issued: IssuedAccessToken,
  state: string | undefined,
  issuer: string | null,
): string {
  return redirectTo(
    redirectUri,
    {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.token.scope || undefined,
      state,
      iss: issuer ?? undefined,
    },
    'fragment',
  );
}
