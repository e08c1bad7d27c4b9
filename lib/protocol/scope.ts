import { OAuthError } from '../errors';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** RFC 6749 §3.3: scope-tokens separated by single spaces. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** Whether `scope` is a scope as RFC 6749 §3.3 spells it, or empty (no scope at all). */
export function isScopeOrEmpty(scope: string): boolean {
  return scope === '' || SCOPE.test(scope);
}

/**
 * The scopes of a `scope` parameter, each once, in the order asked; refuses a malformed value
 * or a scope outside `allowed` (`null`: any scope) with `invalid_scope`.
 */
export function parseScope(
  scope: string | undefined,
  allowed: ReadonlySet<string> | null,
): string[] {
  if (scope === undefined) return [];
  if (!SCOPE.test(scope)) {
    throw new OAuthError(
      'invalid_scope',
      'scope must be scope tokens separated by single spaces (RFC 6749 §3.3)',
    );
  }
  const scopes = [...new Set(scope.split(' '))];
  const unknown = allowed === null ? [] : scopes.filter((name) => !allowed.has(name));
  if (unknown.length > 0) {
    throw new OAuthError('invalid_scope', `unknown scope: ${unknown.join(' ')}`);
  }
  return scopes;
}
