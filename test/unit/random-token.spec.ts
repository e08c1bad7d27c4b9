import { randomToken, SECRET_BYTES } from '../../lib/crypto/random-token';

describe('randomToken', () => {
  it('hands out 256-bit base64url strings, none twice, across many refills of its pool', () => {
    const seen = new Set<string>();
    // 4096-byte pool, 32 bytes each: 20,000 tokens refill it about 150 times.
    for (let i = 0; i < 20_000; i++) {
      const token = randomToken();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(20_000);
  });

  it('gives the number of bytes asked for, below, at and past the pool size', () => {
    for (const bytes of [9, 16, SECRET_BYTES, 4095, 4096, 5000]) {
      expect(Buffer.from(randomToken(bytes), 'base64url')).toHaveLength(bytes);
    }
  });

  it('spreads its bits: over 20,000 tokens each bit is set about half the time', () => {
    const ones = new Array<number>(SECRET_BYTES * 8).fill(0);
    const rounds = 20_000;
    for (let i = 0; i < rounds; i++) {
      const bytes = Buffer.from(randomToken(), 'base64url');
      for (let bit = 0; bit < ones.length; bit++) {
        if (bytes[bit >> 3] & (1 << (bit & 7))) ones[bit]++;
      }
    }
    // A fair bit lands within ±5 % of half with odds far past one in a billion.
    for (const count of ones) expect(Math.abs(count / rounds - 0.5)).toBeLessThan(0.05);
  });
});
