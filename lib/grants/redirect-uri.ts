/** Where the response parameters of a redirect go: the query (code) or the fragment (implicit). */
export type ResponseMode = 'query' | 'fragment';

/**
 * The redirection URI with `parameters` added, keeping its own query (RFC 6749 §3.1.2). Values
 * are form-encoded; absent ones are left out.
 */
export function redirectTo(
  redirectUri: string,
  parameters: Readonly<Record<string, string | number | undefined>>,
  mode: ResponseMode,
): string {
  const url = new URL(redirectUri);
  const added = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) added.append(name, String(value));
  }
  if (mode === 'fragment') {
    url.hash = added.toString();
  } else {
    for (const [name, value] of added) url.searchParams.append(name, value);
  }
  return url.toString();
}
