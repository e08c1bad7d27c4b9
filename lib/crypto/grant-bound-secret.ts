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
