import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { redirectTo } from './redirect-uri';

/** The implicit grant's answer (RFC 6749 §4.2.2): the token in the redirect's fragment. */
export function implicitRedirect(
  redirectUri: string,
  issued: IssuedAccessToken,
  state: string | undefined,
): string {
  return redirectTo(
    redirectUri,
    {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.token.scope || undefined,
      state,
    },
    'fragment',
  );
}
