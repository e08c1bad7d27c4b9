import { OAuthError } from '../../lib';
import { isScopeOrEmpty, parseScope, SCOPE_TOKEN } from '../../lib/protocol/scope';

function refusal(scope: string, allowed: ReadonlySet<string> | null = null): OAuthError {
  try {
    parseScope(scope, allowed);
  } catch (error) {
    return error as OAuthError;
  }
  throw new Error(`scope ${JSON.stringify(scope)} was accepted`);
}

/** Every character outside what RFC 6749 §3.3 allows in a scope-token. */
const FORBIDDEN = [' ', '"', '\\', '\x00', '\t', '\n', '\x1f', '\x7f', 'é', '§'];

describe('SCOPE_TOKEN (RFC 6749 §3.3)', () => {
  it('accepts every character from %x21 to %x7E but " and \\', () => {
    for (let code = 0x21; code <= 0x7e; code++) {
      const char = String.fromCharCode(code);
      expect([char, SCOPE_TOKEN.test(char)]).toEqual([char, char !== '"' && char !== '\\']);
    }
  });

  it('refuses spaces, control characters and non-ASCII', () => {
    for (const char of FORBIDDEN)
      expect([char, SCOPE_TOKEN.test(`a${char}b`)]).toEqual([char, false]);
  });

  it('refuses the empty string', () => {
    expect(SCOPE_TOKEN.test('')).toBe(false);
  });
});

describe('isScopeOrEmpty', () => {
  it('accepts scope-tokens separated by single spaces, and no scope at all (RFC 6749 §3.3)', () => {
    for (const scope of ['', 'read', 'read write', 'a b c', 'urn:x:y https://api/x!#$']) {
      expect([scope, isScopeOrEmpty(scope)]).toEqual([scope, true]);
    }
  });

  it('refuses double, leading and trailing spaces (RFC 6749 §3.3)', () => {
    for (const scope of ['read  write', ' read', 'read ', ' ', 'a\tb']) {
      expect([scope, isScopeOrEmpty(scope)]).toEqual([scope, false]);
    }
  });

  it('refuses a token holding " or \\ or a control character (RFC 6749 §3.3)', () => {
    for (const scope of ['say"hi"', 'a\\b', 'read\nwrite', 'a\x7f']) {
      expect([scope, isScopeOrEmpty(scope)]).toEqual([scope, false]);
    }
  });
});

describe('parseScope', () => {
  it('gives no scope for an absent parameter', () => {
    expect(parseScope(undefined, null)).toEqual([]);
    expect(parseScope(undefined, new Set(['read']))).toEqual([]);
  });

  it('splits the scope-tokens in the order asked (RFC 6749 §3.3)', () => {
    expect(parseScope('write read admin', null)).toEqual(['write', 'read', 'admin']);
  });

  it('keeps each scope once, where it first appears', () => {
    expect(parseScope('b a b c a', null)).toEqual(['b', 'a', 'c']);
  });

  it('compares scopes case-sensitively (RFC 6749 §3.3)', () => {
    expect(parseScope('Read read', null)).toEqual(['Read', 'read']);
  });

  it.each([
    'read  write',
    ' read',
    'read ',
    '',
    'a"b',
    'a\\b',
    'a\x00b',
    'read\twrite',
    'lecture_é',
  ])('refuses %j with invalid_scope (RFC 6749 §3.3)', (scope) => {
    const error = refusal(scope);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.error).toBe('invalid_scope');
    expect(error.status).toBe(400);
  });

  it('accepts any well-formed scope when no list of scopes is configured', () => {
    expect(parseScope('anything:at/all', null)).toEqual(['anything:at/all']);
  });

  it('accepts the scopes of the configured list', () => {
    expect(parseScope('read write', new Set(['read', 'write', 'admin']))).toEqual([
      'read',
      'write',
    ]);
  });

  it('refuses a scope outside the configured list, naming every unknown one', () => {
    const error = refusal('read delete admin purge', new Set(['read', 'admin']));
    expect(error.error).toBe('invalid_scope');
    expect(error.description).toBe('unknown scope: delete purge');
  });

  it('names an unknown scope asked twice only once', () => {
    expect(refusal('x x', new Set(['read'])).description).toBe('unknown scope: x');
  });
});
