import { randomToken } from './random-token';

// A grant id (16 base64url characters), a dot, 256 random bits (43 base64url characters).
const SECRET = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

/**
 * A code or token string: `<grant id>.<256 random bits>`. Carrying the grant id lets the
 * server name the Redis key (and the cluster slot) of the secret without a lookup; the random
 * part is what makes it unguessable.
 */
export function mintGrantBoundSecret(grant: string): string {
  return `${grant}.${randomToken()}`;
}

/** The grant id of a code or token string, or `null` when the string is not one of ours. */
export function grantIdOf(secret: string): string | null {
  const match = SECRET.exec(secret);
  return match ? match[1] : null;
}

// A grant id, a dot, a family id (48 bits, base64url), a dot, 256 random bits.
const REFRESH_TOKEN = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{43})$/;

/** A new refresh-token family's id: 48 random bits, unique within its grant. */
export function mintFamilyId(): string {
  return randomToken(6);
}

/**
 * A refresh token: `<grant id>.<family id>.<256 random bits>`. The family id in clear lets the
 * server find the family's record, and tell a rotated-out token of the family from one it never
 * saw, without keeping a hash of every token the family ever had. Its shape is no access
 * token's, so a refresh token is never taken for one.
 */
export function mintRefreshToken(grant: string, family: string): string {
  return `${grant}.${family}.${randomToken()}`;
}

/** The grant and family of a refresh token string, or `null` when it is not one of ours. */
export function refreshTokenParts(token: string): { grantId: string; familyId: string } | null {
  const match = REFRESH_TOKEN.exec(token);
  return match ? { grantId: match[1], familyId: match[2] } : null;
}
