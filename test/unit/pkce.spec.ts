import { CODE_VERIFIER, S256_CHALLENGE, s256 } from '../../lib/crypto/pkce';

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

describe('s256 (RFC 7636 §4.2)', () => {
  it('gives the challenge of the example in RFC 7636 Appendix B', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('gives 43 base64url characters, without padding, for any verifier', () => {
    for (const verifier of ['a'.repeat(43), UNRESERVED, '~'.repeat(128)]) {
      const challenge = s256(verifier);
      expect(challenge).toHaveLength(43);
      expect(challenge).toMatch(S256_CHALLENGE);
    }
  });

  it('gives different challenges for verifiers that differ in one character', () => {
    expect(s256('a'.repeat(43))).not.toBe(s256('a'.repeat(42) + 'b'));
  });
});

describe('CODE_VERIFIER (RFC 7636 §4.1)', () => {
  it('accepts 43 to 128 characters', () => {
    expect(CODE_VERIFIER.test('a'.repeat(43))).toBe(true);
    expect(CODE_VERIFIER.test('a'.repeat(128))).toBe(true);
  });

  it('refuses 42 characters and 129', () => {
    expect(CODE_VERIFIER.test('a'.repeat(42))).toBe(false);
    expect(CODE_VERIFIER.test('a'.repeat(129))).toBe(false);
  });

  it('accepts every unreserved character: ALPHA / DIGIT / "-" / "." / "_" / "~"', () => {
    expect(CODE_VERIFIER.test(UNRESERVED)).toBe(true);
  });

  it.each(['+', '/', '=', ' ', '%', '!', '*', 'é', '\n'])('refuses %j', (char) => {
    expect(CODE_VERIFIER.test('a'.repeat(42) + char)).toBe(false);
    expect(CODE_VERIFIER.test(char + 'a'.repeat(42))).toBe(false);
  });
});

describe('S256_CHALLENGE', () => {
  it('accepts exactly 43 base64url characters', () => {
    expect(S256_CHALLENGE.test('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(S256_CHALLENGE.test('_'.repeat(43))).toBe(true);
    expect(S256_CHALLENGE.test('a'.repeat(42))).toBe(false);
    expect(S256_CHALLENGE.test('a'.repeat(44))).toBe(false);
  });

  it("refuses base64's own alphabet and padding, and a plain verifier's extra characters", () => {
    for (const char of ['+', '/', '=', '.', '~']) {
      expect([char, S256_CHALLENGE.test('a'.repeat(42) + char)]).toEqual([char, false]);
    }
  });
});
