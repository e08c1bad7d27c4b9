import { createHmac } from 'node:crypto';

/** The characters of a grant id that name its client (see `clientTag()`). */
const CLIENT_TAG_LENGTH = 4;
/** The rest, 72 bits: no two grants of one client share an id in practice. */
const GRANT_PART_LENGTH = 12;

/** The characters of a user's tag (see `userTag()`). */
const USER_TAG_LENGTH = 22;

/** Entries a memo of derivations per client keeps before it starts over. */
const MEMO_LIMIT = 10_000;

function memo(
  memory: Map<string | null, string>,
  clientId: string | null,
  derive: () => string,
): string {
  let value = memory.get(clientId);
  if (value === undefined) {
    value = derive();
    if (memory.size >= MEMO_LIMIT) memory.clear();
    memory.set(clientId, value);
  }
  return value;
}

/**
 * Derives the id of a grant (one user's authorization of one client, or a client acting for
 * itself) so that `revokeGrant(userId, clientId)` finds it without a lookup. The derivation is
 * keyed with the deployment's own secret: the id travels inside every code and token, and
 * without the key nobody can tell from it which user a token belongs to.
 *
 * An id is 16 characters: a tag of its client, then a part of its own. Deleting a client finds
 * its grants by the tag (a SCAN that Redis filters itself), so no index of grants is kept, which
 * would cost memory for every grant ever made.
 */
export class GrantIds {
  private readonly clientTags = new Map<string | null, string>();
  /** The grants of clients acting for themselves (client credentials), asked for on every issuance. */
  private readonly ownGrants = new Map<string | null, string>();

  constructor(private key: Buffer) {}

  /**
   * Takes the deployment's secret anew: after Redis lost its data, every process must derive
   * grant ids with the one secret whoever reconnected first stored.
   */
  rekey(key: Buffer): void {
    this.key = key;
    this.clientTags.clear();
    this.ownGrants.clear();
  }

  /** The id of the grant of `userId` (none: the client itself) to `clientId`. */
  of(clientId: string | null, userId: string | undefined): string {
    if (userId !== undefined) return this.derive(clientId, userId);
    return memo(this.ownGrants, clientId, () => this.derive(clientId, undefined));
  }

  /**
   * What the ids of every grant to `clientId` start with: 24 bits, so two given clients share a
   * tag once in 16 million (among thousands of clients some pair will), and whoever walks the
   * grants of a tag checks whose each one is.
   */
  clientTag(clientId: string | null): string {
    return memo(this.clientTags, clientId, () =>
      this.hmac(JSON.stringify(['client', clientId])).slice(0, CLIENT_TAG_LENGTH),
    );
  }

  /**
   * What names `userId`'s index of grants in Redis: a keyed hash, so a key name never says who
   * the user is; 132 bits, so two users never share one.
   */
  userTag(userId: string): string {
    return this.hmac(JSON.stringify(['user', userId])).slice(0, USER_TAG_LENGTH);
  }

  private derive(clientId: string | null, userId: string | undefined): string {
    const own = this.hmac(JSON.stringify(['grant', clientId, userId ?? null]));
    return this.clientTag(clientId) + own.slice(0, GRANT_PART_LENGTH);
  }

  private hmac(message: string): string {
    return createHmac('sha256', this.key).update(message).digest('base64url');
  }
}
