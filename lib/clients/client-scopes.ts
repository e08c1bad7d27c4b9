import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import { SCOPE_TOKEN } from '../protocol/scope';

/**
 * The scope list given for a client, checked: scope tokens (RFC 6749 §3.3), each once, and
 * each one the server allows (`configured`; `null`: any). `undefined` stays `undefined`: the
 * client may then ask for any configured scope.
 */
export function clientScopes(
  value: unknown,
  configured: ReadonlySet<string> | null,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new OAuthError('invalid_client_metadata', 'scopes must be an array of scope names');
  }
  for (const scope of value as unknown[]) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new OAuthError(
        'invalid_client_metadata',
        `${JSON.stringify(scope)} is not a scope token (RFC 6749 §3.3)`,
      );
    }
    if (configured !== null && !configured.has(scope)) {
      throw new OAuthError(
        'invalid_client_metadata',
        `${JSON.stringify(scope)} is not a scope this server issues`,
      );
    }
  }
  return [...new Set(value as string[])];
}

/**
 * Refuses scopes outside the client's own list with `invalid_scope`: RFC 6749 §3.3 lets the
 * server refuse or narrow, and a refusal tells the client what went wrong where a narrowed
 * token would fail later, on some resource. A client without a list passes.
 */
export function refuseScopesBeyondClient(
  scopes: readonly string[],
  client: OAuthClient | null,
): void {
  const allowed = client?.scopes;
  if (allowed === null || allowed === undefined) return;
  const beyond = scopes.filter((scope) => !allowed.includes(scope));
  if (beyond.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `this client may not ask for: ${beyond.join(' ')} (RFC 6749 §3.3)`,
    );
  }
}
