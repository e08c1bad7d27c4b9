import { OAuthError, OAuthErrorCode } from '../errors';

/** Where the response parameters of a redirect go: the query (code) or the fragment (implicit). */
export type ResponseMode = 'query' | 'fragment';

/**
 * The redirection URI with `parameters` added (form-encoded; absent ones left out). The URI's
 * own text, query included, is kept exactly as registered (RFC 6749 §3.1.2).
 */
export function redirectTo(
  redirectUri: string,
  parameters: Readonly<Record<string, string | number | undefined>>,
  mode: ResponseMode,
): string {
  const added = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) added.append(name, String(value));
  }
  if (mode === 'fragment') return `${redirectUri}#${added.toString()}`;
  const separator = !redirectUri.includes('?')
    ? '?'
    : redirectUri.endsWith('?') || redirectUri.endsWith('&')
      ? ''
      : '&';
  return `${redirectUri}${separator}${added.toString()}`;
}

/** Where an error goes back to the client, and what travels with it. */
export interface ErrorRedirect {
  readonly redirectUri: string;
  readonly mode: ResponseMode;
  readonly state: string | undefined;
  readonly issuer: string | null;
}

/**
 * The error response of the authorization endpoint (RFC 6749 §4.1.2.1, §4.2.2.1): `error`,
 * `error_description` (kept to the characters §5.2 allows), `state`, and `iss` (RFC 9207).
 */
export function errorRedirectTo(
  target: ErrorRedirect,
  error: OAuthErrorCode,
  description: string,
): string {
  return redirectTo(
    target.redirectUri,
    {
      error,
      error_description: new OAuthError(error, description).description,
      state: target.state,
      iss: target.issuer ?? undefined,
    },
    target.mode,
  );
}
