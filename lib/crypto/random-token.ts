import { randomBytes } from 'node:crypto';

/** Bytes of entropy in every secret oauthist mints: RFC 6749 §10.10 asks for at least 128 bits. */
export const SECRET_BYTES = 32;

/**
 * A URL-safe random string of `bytes` random bytes (base64url, no padding), so that it can
 * travel in a query string, a form body or an `Authorization` header unchanged.
 */
export function randomToken(bytes: number = SECRET_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}
