import { Injectable } from '@nestjs/common';
import { RedisConnection } from './redis-connection';
import { storageCall } from './storage-call';

/**
 * What a user's index of grants holds for one client, as the scripts store it (see
 * scripts/includes/userGrant.lua: base-36 times and separators, short enough that a user's hash
 * stays a listpack).
 */
export interface UserGrantSummary {
  /** When the user first granted the client anything, seconds since the epoch. */
  readonly f: number;
  /** When a token was last recorded for it; absent until one is. */
  readonly l?: number;
  /** Until when what was recorded may live; 0: for ever. */
  readonly u: number;
  /** Every scope issued or consented to, space-separated. */
  readonly s: string;
  /**
   * What the user consented to at the authorization endpoint: per resource tag (`.` for a
   * request that named none), the scopes allowed there, space-separated; absent: never asked.
   */
  readonly c?: Readonly<Record<string, string>>;
}

/** One entry of a page of a user's index: the client, the stored summary, and it parsed. */
export interface UserGrantEntry {
  readonly clientId: string;
  /** The entry as stored, to forget it only if nothing changed it since. */
  readonly stored: string;
  readonly summary: UserGrantSummary;
}

/** What one issuance or consent adds to a user's index. */
export interface UserGrantChange {
  readonly clientId: string;
  /** Until when what was issued or consented to may live, seconds since the epoch; 0: for ever. */
  readonly liveUntil: number;
  /** The scopes issued or consented to. */
  readonly scope: string;
  /** Whether a token was issued. */
  readonly issued: boolean;
  /** The resources (their stored tags) of a consent given now; absent: no consent now. */
  readonly consentAudience?: string;
}

/**
 * Each user's index of the clients they granted: one hash under the user's own hash tag (see
 * `RedisKeys.userGrants()`), written when a token is issued or consent given, read to list a
 * user's connected applications and to remember consent. Nothing here walks other users'
 * data; what went stale (an expired or revoked grant) is forgotten when it is next read.
 */
@Injectable()
export class UserGrantStore {
  constructor(private readonly redis: RedisConnection) {}

  async record(userTag: string, change: UserGrantChange, now: number): Promise<void> {
    await storageCall(
      this.redis.runScript(
        'recordUserGrant',
        [this.key(userTag)],
        [
          change.clientId,
          now,
          change.liveUntil,
          change.scope,
          change.issued ? '1' : '0',
          change.consentAudience === undefined ? '0' : '1',
          change.consentAudience === '' ? '.' : (change.consentAudience ?? ''),
        ],
      ),
    );
  }

  /**
   * Up to `limit` entries after the client id `after` ('' from the start), and where the next
   * page starts ('' at the end). An entry past its time is forgotten, not returned, so a page
   * may hold fewer than `limit` and still not be the last.
   */
  async page(
    userTag: string,
    after: string,
    limit: number,
    now: number,
  ): Promise<{ entries: UserGrantEntry[]; next: string }> {
    const reply = await storageCall(
      this.redis.runScript('listUserGrants', [this.key(userTag)], [after, limit, now]),
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'string')
      throw new Error(`unexpected reply of the listUserGrants script: ${JSON.stringify(reply)}`);
    const entries: UserGrantEntry[] = [];
    for (let i = 1; i + 1 < reply.length; i += 2) {
      const stored = String(reply[i + 1]);
      const summary = parseSummary(stored);
      // The script returns only entries it could read, as this does.
      if (summary !== null) entries.push({ clientId: String(reply[i]), stored, summary });
    }
    return { entries, next: reply[0] };
  }

  /** The entry of `clientId`, or `null` (none, or none that can be read). */
  async read(userTag: string, clientId: string): Promise<UserGrantEntry | null> {
    const stored = await storageCall(this.redis.client.hget(this.key(userTag), clientId));
    if (stored === null) return null;
    const summary = parseSummary(stored);
    return summary === null ? null : { clientId, stored, summary };
  }

  /** Forgets the entry of `clientId`; with `stored`, only if it still holds that. */
  async forget(userTag: string, clientId: string, stored = ''): Promise<boolean> {
    const reply = await storageCall(
      this.redis.runScript('forgetUserGrant', [this.key(userTag)], [clientId, stored]),
    );
    return reply === 1;
  }

  private key(userTag: string): string {
    return this.redis.keys.userGrants(userTag);
  }
}

/** The separators of an entry: its parts, its consents, and a consent's tag from its scopes. */
const UNIT = '\x1f';
const RECORD = '\x1d';
const TAG = '\x1e';
const BASE36 = /^[0-9A-Za-z]+$/;

/**
 * An entry as scripts/includes/userGrant.lua stores it; `null` for one it cannot read, which is
 * no grant (the listing script forgets such an entry).
 */
function parseSummary(stored: string): UserGrantSummary | null {
  const parts = stored.split(UNIT);
  const [first, last, until, scopes, consents] = parts;
  if (
    (parts.length !== 4 && parts.length !== 5) ||
    !BASE36.test(first) ||
    !BASE36.test(until) ||
    (last !== '' && !BASE36.test(last))
  )
    return null;
  const consented: Record<string, string> = {};
  for (const item of consents === undefined ? [] : consents.split(RECORD)) {
    const [tag, allowed, ...more] = item.split(TAG);
    if (tag === '' || allowed === undefined || more.length > 0) return null;
    consented[tag] = allowed;
  }
  return {
    f: parseInt(first, 36),
    ...(last === '' ? {} : { l: parseInt(last, 36) }),
    u: parseInt(until, 36),
    s: scopes,
    ...(consents === undefined ? {} : { c: consented }),
  };
}
