import { randomFillSync } from 'node:crypto';

/** Bytes of entropy in every secret oauthist mints: RFC 6749 §10.10 asks for at least 128 bits. */
export const SECRET_BYTES = 32;

// Asking the CSPRNG for 32 bytes costs about as much as asking for 4 KiB, and a token is minted
// on every issuance: like crypto.randomUUID(), draw a batch and hand out each byte once.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/**
 * A URL-safe random string of `bytes` random bytes (base64url, no padding), so that it can
 * travel in a query string, a form body or an `Authorization` header unchanged.
 */
export function randomToken(bytes: number = SECRET_BYTES): string {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.alloc(bytes)).toString('base64url');
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const token = pool.toString('base64url', used, used + bytes);
  // A secret handed out is not kept: the pool lives as long as the process.
  pool.fill(0, used, used + bytes);
  used += bytes;
  return token;
}
