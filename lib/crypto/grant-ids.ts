import { createHmac } from 'node:crypto';

// 96 bits: no two grants of one server share an id in practice, and it is 16 characters.
const GRANT_ID_LENGTH = 16;

/**
 * Derives the id of a grant (one user's authorization of one client, or a client acting for
 * itself) so that `revokeGrant(userId, clientId)` finds it without a lookup. The derivation is
 * keyed with the deployment's own secret: the id travels inside every code and token, and
 * without the key nobody can tell from it which user a token belongs to.
 */
export class GrantIds {
  constructor(private key: Buffer) {}

  /**
   * Takes the deployment's secret anew: after Redis lost its data, every process must derive
   * grant ids with the one secret whoever reconnected first stored.
   */
  rekey(key: Buffer): void {
    this.key = key;
  }

  /** The id of the grant of `userId` (none: the client itself) to `clientId`. */
  of(clientId: string | null, userId: string | undefined): string {
    return createHmac('sha256', this.key)
      .update(JSON.stringify([clientId, userId ?? null]))
      .digest('base64url')
      .slice(0, GRANT_ID_LENGTH);
  }
}
