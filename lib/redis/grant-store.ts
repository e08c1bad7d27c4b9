import { randomBytes } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { Cluster } from 'ioredis';
import {
  EXCHANGE_CODE_STATUS,
  ISSUE_TOKEN_STATUS,
  REFRESH_TOKEN_STATUS,
  REVOKE_REFRESH_TOKEN_STATUS,
  REVOKE_TOKEN_STATUS,
} from './lua-scripts';
import { InvalidationListener } from './invalidation-listener';
import { RedisConnection, RedisClient } from './redis-connection';
import { storageCall, storageReplies } from './storage-call';
import { familyField, IDENTITY_FIELD, secondsNow, tokenHead, tombstone } from './token-record';

/** What a grant holds now, as `GrantStore.activityOf()` reads it. */
export interface GrantActivity {
  /** Live access tokens and refresh-token families. */
  readonly liveTokens: number;
  /** Codes issued under the grant and not yet exchanged nor expired. */
  readonly pendingCodes: number;
  /** When a token it still holds was last issued, seconds since the epoch; `null`: none. */
  readonly lastIssuedAt: number | null;
}

/** What is stored for an authorization code (never the code itself). */
export interface CodeRecord {
  readonly clientId: string;
  readonly redirectUri: string;
  /** Whether the authorization request named redirect_uri: the token request must then repeat it. */
  readonly redirectUriGiven: boolean;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
  /** Whose grant it is (see `grantIdentity()`). */
  readonly grantIdentity: string;
  /** The token body (see `tokenBody()`) the code will be exchanged for. */
  readonly tokenBody: string;
}

/** What the exchange of a code is asked to do. */
export interface CodeExchange {
  readonly grantId: string;
  readonly codeHash: string;
  readonly clientId: string;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string | undefined;
  readonly codeVerifierS256: string | undefined;
  readonly tokenField: string;
  readonly issuedAt: number;
  readonly expiresAt: number | null;
  /** The refresh-token family to start with the token, if any. */
  readonly family?: FamilyStart;
  /** The audience the token request names, as stored (resource tags); '' for the code's own. */
  readonly audience: string;
}

/** A refresh-token family started with an access token (see grant.lua's `parseFamily`). */
export interface FamilyStart {
  readonly familyId: string;
  /** The field of its first refresh token. */
  readonly refreshField: string;
  /** Its lifetime in seconds: from the user's consent for a code, else from now. */
  readonly ttl: number;
  /** How long it may go unused, seconds; `null`: no limit. */
  readonly idleTtl: number | null;
}

/** What a refresh (RFC 6749 §6) is asked to do. */
export interface RefreshExchange {
  readonly grantId: string;
  readonly familyId: string;
  /** The presented refresh token's field. */
  readonly presentedField: string;
  readonly clientId: string;
  /** The scopes asked for; empty: what the user granted. */
  readonly requestedScopes: readonly string[];
  /** The scopes the client may still have; `null`: any. */
  readonly allowedScopes: readonly string[] | null;
  readonly accessField: string;
  readonly issuedAt: number;
  readonly expiresAt: number | null;
  /** The new refresh token's field; `null`: the client's refresh token does not rotate. */
  readonly refreshField: string | null;
  readonly reuseGraceSeconds: number;
  readonly idleTtl: number | null;
  /** The audience the request names, as stored (resource tags); '' for the whole grant's. */
  readonly audience: string;
}

/** Why a refresh was refused: the script's return codes. */
export type RefreshFailure =
  | 'unknown'
  | 'client_mismatch'
  | 'reused'
  | 'scope_widened'
  | 'scope_withdrawn'
  | 'audience_widened';

/** A refresh that went through: the new access token's body, and the grant's identity. */
export interface RefreshOutcome {
  /** The new access token's body (see `tokenBody()`). */
  readonly body: string;
  readonly identity: string;
  /** Whether the refresh token rotated (the new one is then the family's). */
  readonly rotated: boolean;
}

const REFRESH_FAILURES: Readonly<Record<number, RefreshFailure>> = {
  [REFRESH_TOKEN_STATUS.unknown]: 'unknown',
  [REFRESH_TOKEN_STATUS.client_mismatch]: 'client_mismatch',
  [REFRESH_TOKEN_STATUS.reused]: 'reused',
  [REFRESH_TOKEN_STATUS.scope_widened]: 'scope_widened',
  [REFRESH_TOKEN_STATUS.scope_withdrawn]: 'scope_withdrawn',
  [REFRESH_TOKEN_STATUS.audience_widened]: 'audience_widened',
};

/** Why an exchange was refused: the script's return codes. */
export type CodeExchangeFailure =
  | 'unknown_code'
  | 'client_mismatch'
  | 'redirect_uri_mismatch'
  | 'code_verifier_missing'
  | 'code_verifier_mismatch'
  | 'code_verifier_unexpected'
  | 'code_reused'
  | 'audience_widened';

const EXCHANGE_FAILURES: Readonly<Record<number, CodeExchangeFailure>> = {
  [EXCHANGE_CODE_STATUS.unknown_code]: 'unknown_code',
  [EXCHANGE_CODE_STATUS.client_mismatch]: 'client_mismatch',
  [EXCHANGE_CODE_STATUS.redirect_uri_mismatch]: 'redirect_uri_mismatch',
  [EXCHANGE_CODE_STATUS.code_verifier_missing]: 'code_verifier_missing',
  [EXCHANGE_CODE_STATUS.code_verifier_mismatch]: 'code_verifier_mismatch',
  [EXCHANGE_CODE_STATUS.code_verifier_unexpected]: 'code_verifier_unexpected',
  [EXCHANGE_CODE_STATUS.code_reused]: 'code_reused',
  [EXCHANGE_CODE_STATUS.audience_widened]: 'audience_widened',
};

/** How long a revoked token is remembered as revoked, so that a check can say why it fails. */
export const TOMBSTONE_TTL = 3600;

/**
 * How long an expired token's field outlives its expiry, so that a check can still say
 * "expired" rather than "unknown". Verification compares the expiry itself; this only delays
 * the cleanup.
 */
export const EXPIRED_GRACE = 600;

/** Keys asked for per SCAN call while walking the grants of a client being deleted. */
const SCAN_BATCH = 1000;

/**
 * Reads and writes pending authorization requests, codes and access tokens. Every write that
 * must be all-or-nothing is one script; verification is one HMGET.
 */
@Injectable()
export class GrantStore {
  constructor(
    private readonly redis: RedisConnection,
    @Optional() private readonly invalidations?: InvalidationListener,
  ) {}

  /** The key a cached token of the grant depends on: its grant's hash. */
  grantKey(grantId: string): string {
    return this.redis.keys.grant(grantId);
  }

  /**
   * Drops this process's cached tokens of the grant after a write to it: the process sees its
   * own revocation at once, the others when Redis reports it.
   */
  private changed(grantId: string): void {
    this.invalidations?.invalidate([this.redis.keys.grant(grantId)]);
  }

  /**
   * The deployment's secret for deriving grant ids: read, or made and stored by the first
   * process of the deployment to start. SET NX and GET in one MULTI, so two processes starting
   * together agree on one secret; `SET NX GET` would do it in one command but needs Redis 7.0.
   */
  async serverSecret(): Promise<Buffer> {
    const key = this.redis.keys.serverSecret();
    const fresh = randomBytes(32).toString('base64url');
    const transaction = this.redis.client.multi().set(key, fresh, 'NX').get(key);
    const [, stored] = storageReplies(await storageCall(transaction.exec()));
    if (typeof stored !== 'string')
      throw new Error(`unexpected reply of GET after SET NX: ${JSON.stringify(stored)}`);
    return Buffer.from(stored, 'base64url');
  }

  async savePending(idHash: string, value: string, ttl: number): Promise<void> {
    await storageCall(
      this.redis.client.set(this.redis.keys.pendingAuthorization(idHash), value, 'EX', ttl),
    );
  }

  getPending(idHash: string): Promise<string | null> {
    return storageCall(this.redis.client.get(this.redis.keys.pendingAuthorization(idHash)));
  }

  /** Reads and deletes in one step: of two answers to one request, only one gets its data. */
  takePending(idHash: string): Promise<string | null> {
    return storageCall(this.redis.client.getdel(this.redis.keys.pendingAuthorization(idHash)));
  }

  async saveCode(grantId: string, codeHash: string, code: CodeRecord, ttl: number): Promise<void> {
    const key = this.redis.keys.code(grantId, codeHash);
    const codes = this.redis.keys.grantCodes(grantId);
    const fields: Record<string, string> = {
      client: code.clientId,
      redirect_uri: code.redirectUri,
      redirect_given: code.redirectUriGiven ? '1' : '0',
      grant: code.grantIdentity,
      body: code.tokenBody,
      // The consent's time: a refresh-token family started by the code is counted from it.
      at: String(secondsNow()),
    };
    if (code.codeChallenge) {
      fields.challenge = code.codeChallenge;
      fields.method = code.codeChallengeMethod ?? 'plain';
    }
    // Every code of a grant lives as long as the newest, so the set expires with the last one.
    const transaction = this.redis.client
      .multi()
      .hset(key, fields)
      .expire(key, ttl)
      .sadd(codes, codeHash)
      .expire(codes, ttl);
    storageReplies(await storageCall(transaction.exec()));
  }

  /** Exchanges a code; the token body and grant identity on success, or why it was refused. */
  async exchangeCode(
    exchange: CodeExchange,
  ): Promise<
    { body: string; identity: string; familyStarted: boolean } | { failure: CodeExchangeFailure }
  > {
    const { keys } = this.redis;
    const now = secondsNow();
    const { family } = exchange;
    const reply = await storageCall(
      this.redis.runScript(
        'exchangeCode',
        [keys.code(exchange.grantId, exchange.codeHash), keys.grant(exchange.grantId)],
        [
          exchange.clientId,
          exchange.redirectUri ?? '',
          exchange.codeVerifierS256 ?? '',
          exchange.codeVerifier ?? '',
          exchange.tokenField,
          tokenHead(exchange.issuedAt, exchange.expiresAt, family?.familyId),
          grantLifetime(exchange.expiresAt, now),
          now,
          EXPIRED_GRACE,
          tombstone(now + TOMBSTONE_TTL),
          TOMBSTONE_TTL,
          ...familyArguments(family),
          exchange.audience,
        ],
      ),
    );
    // A replayed code revokes the grant; a new token changes it.
    this.changed(exchange.grantId);
    if (
      Array.isArray(reply) &&
      reply[0] === EXCHANGE_CODE_STATUS.exchanged &&
      typeof reply[1] === 'string'
    )
      return { body: reply[1], identity: String(reply[2]), familyStarted: reply[3] === 1 };
    if (reply === EXCHANGE_CODE_STATUS.grant_collision) throw grantCollision(exchange.grantId);
    const failure = typeof reply === 'number' ? EXCHANGE_FAILURES[reply] : undefined;
    if (!failure)
      throw new Error(`unexpected reply of the exchangeCode script: ${JSON.stringify(reply)}`);
    return { failure };
  }

  /**
   * Stores a new token in its grant (see token-record.ts), and the refresh-token family it
   * starts, if any (its `value` is then tagged with it); `expiresAt` `null`: never expires.
   */
  async issueToken(
    grantId: string,
    identity: string,
    field: string,
    value: string,
    expiresAt: number | null,
    family?: FamilyStart,
  ): Promise<void> {
    const now = secondsNow();
    const reply = await storageCall(
      this.redis.runScript(
        'issueToken',
        [this.redis.keys.grant(grantId)],
        [
          identity,
          field,
          value,
          grantLifetime(expiresAt, now),
          now,
          EXPIRED_GRACE,
          ...familyArguments(family),
        ],
      ),
    );
    this.changed(grantId);
    if (reply !== ISSUE_TOKEN_STATUS.stored) throw grantCollision(grantId);
  }

  /**
   * The refresh grant in one script: checks, rotation and the new access token together, so
   * that of parallel refreshes with one token exactly one rotates it. A rotated-out token
   * revokes its family there and then (`reused`).
   */
  async refresh(exchange: RefreshExchange): Promise<RefreshOutcome | { failure: RefreshFailure }> {
    const now = secondsNow();
    const reply = await storageCall(
      this.redis.runScript(
        'refreshToken',
        [this.redis.keys.grant(exchange.grantId)],
        [
          exchange.familyId,
          exchange.presentedField,
          exchange.clientId,
          exchange.requestedScopes.join(' '),
          exchange.allowedScopes === null ? '*' : exchange.allowedScopes.join(' '),
          exchange.accessField,
          tokenHead(exchange.issuedAt, exchange.expiresAt, exchange.familyId),
          grantLifetime(exchange.expiresAt, now),
          exchange.refreshField ?? '',
          now,
          exchange.reuseGraceSeconds,
          exchange.idleTtl ?? 0,
          EXPIRED_GRACE,
          tombstone(now + TOMBSTONE_TTL),
          TOMBSTONE_TTL,
          exchange.audience,
        ],
      ),
    );
    // A reused refresh token revokes its family; a refresh adds a token.
    this.changed(exchange.grantId);
    if (Array.isArray(reply) && reply[0] === REFRESH_TOKEN_STATUS.refreshed) {
      return { body: String(reply[1]), identity: String(reply[2]), rotated: reply[3] === 1 };
    }
    if (reply === REFRESH_TOKEN_STATUS.grant_collision) throw grantCollision(exchange.grantId);
    const failure = typeof reply === 'number' ? REFRESH_FAILURES[reply] : undefined;
    if (!failure)
      throw new Error(`unexpected reply of the refreshToken script: ${JSON.stringify(reply)}`);
    return { failure };
  }

  /** A refresh-token family's record and its grant's identity: one HMGET. Either may be `null`. */
  getFamily(grantId: string, familyId: string): Promise<[string | null, string | null]> {
    return storageCall(
      this.redis.client.hmget(
        this.redis.keys.grant(grantId),
        familyField(familyId),
        IDENTITY_FIELD,
      ),
    ) as Promise<[string | null, string | null]>;
  }

  /**
   * Ends the family of a refresh token, with the access tokens descended from it. `clientId`
   * as for `revokeToken()`: `undefined` any client; `null` only a token of no client, which
   * no refresh token is.
   */
  async revokeRefreshToken(
    grantId: string,
    familyId: string,
    field: string,
    clientId: string | null | undefined,
  ): Promise<'revoked' | 'unknown' | 'not_owner'> {
    if (clientId === null) return 'not_owner';
    const now = secondsNow();
    const reply = await storageCall(
      this.redis.runScript(
        'revokeRefreshToken',
        [this.redis.keys.grant(grantId)],
        [
          familyId,
          field,
          clientId ?? '',
          now,
          tombstone(now + TOMBSTONE_TTL),
          TOMBSTONE_TTL,
          EXPIRED_GRACE,
        ],
      ),
    );
    this.changed(grantId);
    if (reply === REVOKE_REFRESH_TOKEN_STATUS.revoked) return 'revoked';
    return reply === REVOKE_REFRESH_TOKEN_STATUS.not_owner ? 'not_owner' : 'unknown';
  }

  /**
   * A stored token and its grant's identity: one HMGET, the whole cost of a verification. Either
   * is `null` when missing.
   */
  getToken(grantId: string, field: string): Promise<[string | null, string | null]> {
    // The reply is the pair as it is: no await here, as one more promise is measurable on the
    // path every protected request takes.
    return storageCall(
      this.redis.client.hmget(this.redis.keys.grant(grantId), field, IDENTITY_FIELD),
    ) as Promise<[string | null, string | null]>;
  }

  /**
   * 'revoked', 'unknown' (or already revoked), or 'not_owner' when `clientId` does not own it;
   * `clientId` `null`: only a token issued to no client, `undefined`: any token.
   */
  async revokeToken(
    grantId: string,
    field: string,
    clientId: string | null | undefined,
  ): Promise<'revoked' | 'unknown' | 'not_owner'> {
    const now = secondsNow();
    const reply = await storageCall(
      this.redis.runScript(
        'revokeToken',
        [this.redis.keys.grant(grantId)],
        [
          field,
          tombstone(now + TOMBSTONE_TTL),
          TOMBSTONE_TTL,
          clientId ?? '',
          now,
          EXPIRED_GRACE,
          clientId === null ? '1' : '0',
        ],
      ),
    );
    this.changed(grantId);
    if (reply === REVOKE_TOKEN_STATUS.revoked) return 'revoked';
    return reply === REVOKE_TOKEN_STATUS.not_owner ? 'not_owner' : 'unknown';
  }

  /**
   * Revokes every token of a grant and forgets its codes; how many live tokens it revoked. With
   * `clientId`, a grant of another client is left alone.
   */
  async revokeGrant(grantId: string, clientId?: string): Promise<number> {
    const { keys } = this.redis;
    const now = secondsNow();
    const reply = await storageCall(
      this.redis.runScript(
        'revokeGrant',
        [keys.grant(grantId), keys.grantCodes(grantId)],
        [
          keys.codePrefix(grantId),
          tombstone(now + TOMBSTONE_TTL),
          TOMBSTONE_TTL,
          now,
          clientId ?? '',
          EXPIRED_GRACE,
        ],
      ),
    );
    this.changed(grantId);
    return Number(reply);
  }

  /**
   * What the grant holds if its identity is `identity` (nothing else counts): its live access
   * tokens and refresh-token families, its codes not yet exchanged, and when it last issued a
   * token. One script over the grant's own keys.
   */
  async activityOf(grantId: string, identity: string): Promise<GrantActivity> {
    const { keys } = this.redis;
    const reply = await storageCall(
      this.redis.runScript(
        'grantActivity',
        [keys.grant(grantId), keys.grantCodes(grantId)],
        [identity, secondsNow(), keys.codePrefix(grantId)],
      ),
    );
    if (!Array.isArray(reply) || reply.length !== 3)
      throw new Error(`unexpected reply of the grantActivity script: ${JSON.stringify(reply)}`);
    const [liveTokens, pendingCodes, lastIssued] = reply.map(Number);
    return { liveTokens, pendingCodes, lastIssuedAt: lastIssued === 0 ? null : lastIssued };
  }

  /**
   * Revokes every grant of a client: those whose id starts with its tag, found by SCAN on every
   * master, each checked to be the client's before it is touched. Its cost follows the number
   * of keys in Redis, which Redis filters itself; it runs when a client is deleted, never on a
   * request path. Returns how many live tokens it revoked.
   */
  async revokeGrantsOfClient(clientId: string, clientTag: string): Promise<number> {
    const { keys } = this.redis;
    const pattern = keys.grantsOfClientTag(clientTag);
    const seen = new Set<string>();
    let revoked = 0;
    for (const node of masters(this.redis.client)) {
      let cursor = '0';
      do {
        const [next, found] = await storageCall(
          node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH),
        );
        cursor = next;
        const grants = found
          .map((key) => keys.grantIdOfKey(key))
          .filter((grant): grant is string => grant !== null && !seen.has(grant));
        for (const grant of grants) seen.add(grant);
        const counts = await Promise.all(grants.map((grant) => this.revokeGrant(grant, clientId)));
        revoked += counts.reduce((sum, count) => sum + count, 0);
      } while (cursor !== '0');
    }
    return revoked;
  }
}

/**
 * Two grants (two users of one client) whose ids collide: 72 bits of HMAC make it next to
 * impossible, and the scripts refuse rather than let one user's tokens speak for the other.
 */
function grantCollision(grantId: string): Error {
  return new Error(
    `oauthist: the grant ${grantId.slice(0, 4)}… belongs to another user; no token was issued`,
  );
}

/**
 * How long a grant must live for a token that expires at `expiresAt` (0: for ever): until the
 * expiry, and the grace after it during which a check still says "expired".
 */
function grantLifetime(expiresAt: number | null, now: number): number {
  return expiresAt === null ? 0 : Math.max(1, expiresAt - now + EXPIRED_GRACE);
}

/** The scripts' arguments for a family to start: none is `''` and zeros. */
function familyArguments(family: FamilyStart | undefined): (string | number)[] {
  return family === undefined
    ? ['', '', 0, 0]
    : [family.familyId, family.refreshField, family.ttl, family.idleTtl ?? 0];
}

/** The connections a SCAN of the whole keyspace must walk: each master of a cluster. */
function masters(client: RedisClient): Pick<RedisClient, 'scan'>[] {
  return client instanceof Cluster ? (client as Cluster).nodes('master') : [client];
}
