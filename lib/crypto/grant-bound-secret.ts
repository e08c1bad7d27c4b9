import { randomToken } from './random-token';
import { sha256 } from './sha256';

// 96 bits: no two grants of one server share an id in practice, and it is 16 characters.
const GRANT_ID_LENGTH = 16;
const SECRET = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

/**
 * The id of a grant: one user's authorization of one client (or a client acting for itself).
 * It is derived, not stored, so that `revokeGrant(userId, clientId)` finds the grant at once.
 */
export function grantId(clientId: string | null, userId: string | undefined): string {
  return sha256(JSON.stringify([clientId, userId ?? null])).slice(0, GRANT_ID_LENGTH);
}

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
