/** What a refusal of a bearer token names in its challenge. */
export interface BearerChallengeError {
  readonly error: string;
  readonly description: string;
}

/**
 * The `WWW-Authenticate` value of a refused bearer token (RFC 6750 §3): the realm, then the
 * error and its description unless no token was sent at all (§3.1), and for
 * `insufficient_scope` the scopes that would have done; with `resourceMetadata`, where the
 * resource's metadata is (RFC 9728 §5.1), so that a client can find its authorization server
 * from the refusal alone. The description is already restricted to the characters a
 * quoted-string may hold.
 */
export function bearerChallenge(
  realm: string,
  error: BearerChallengeError | null,
  scopes: readonly string[],
  resourceMetadata?: string,
): string {
  const parameters = [`realm="${realm}"`];
  if (error) {
    parameters.push(`error="${error.error}"`, `error_description="${error.description}"`);
    if (error.error === 'insufficient_scope') parameters.push(`scope="${scopes.join(' ')}"`);
  }
  if (resourceMetadata !== undefined) parameters.push(`resource_metadata="${resourceMetadata}"`);
  return `Bearer ${parameters.join(', ')}`;
}

/** What a refusal says when no token was sent at all, and so has no error code (§3.1). */
export const BEARER_TOKEN_REQUIRED = 'a bearer token is required (RFC 6750 section 3)';
