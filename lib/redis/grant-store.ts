import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RedisConnection } from './redis-connection';
import { storageCall, storageReplies } from './storage-call';
import { secondsNow, TOKEN_TAIL, tokenHead } from './token-record';

/** What is stored for an authorization code (never the code itself). */
export interface CodeRecord {
  readonly clientId: string;
  readonly redirectUri: string;
  /** Whether the authorization request named redirect_uri: the token request must then repeat it. */
  readonly redirectUriGiven: boolean;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
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
  readonly tokenHash: string;
  readonly issuedAt: number;
  readonly expiresAt: number | null;
  readonly keyTtl: number;
}

/** Why an exchange was refused: the script's return codes. */
export type CodeExchangeFailure =
  | 'unknown_code'
  | 'client_mismatch'
  | 'redirect_uri_mismatch'
  | 'code_verifier_missing'
  | 'code_verifier_mismatch'
  | 'code_verifier_unexpected'
  | 'code_reused';

const EXCHANGE_FAILURES: Readonly<Record<number, CodeExchangeFailure>> = {
  [-1]: 'unknown_code',
  [-2]: 'client_mismatch',
  [-3]: 'redirect_uri_mismatch',
  [-4]: 'code_verifier_missing',
  [-5]: 'code_verifier_mismatch',
  [-6]: 'code_verifier_unexpected',
  [-7]: 'code_reused',
};

/** How many recorded grants a process remembers before it starts over. */
const RECORDED_GRANTS_LIMIT = 100_000;

/** How long a revoked token is remembered as revoked, so that a check can say why it fails. */
export const TOMBSTONE_TTL = 3600;

/**
 * Reads and writes pending authorization requests, codes and access tokens. Every write that
 * must be all-or-nothing is one script; verification is one GET.
 */
@Injectable()
export class GrantStore {
  /** Grants this process already recorded in their client's index (see `recordGrant()`). */
  private readonly recordedGrants = new Set<string>();

  constructor(private readonly redis: RedisConnection) {
    // A Redis that lost its data lost the index too: record grants again after a reconnection.
    redis.client.on('ready', () => this.recordedGrants.clear());
  }

  /**
   * The deployment's secret for deriving grant ids: read, or made and stored by the first
   * process of the deployment to start (`SET NX GET`, so two processes starting together agree).
   */
  async serverSecret(): Promise<Buffer> {
    const key = this.redis.keys.serverSecret();
    const fresh = randomBytes(32).toString('base64url');
    const existing = await storageCall(this.redis.client.set(key, fresh, 'NX', 'GET'));
    return Buffer.from(existing ?? fresh, 'base64url');
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
      body: code.tokenBody,
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
    const [replies] = await Promise.all([
      storageCall(transaction.exec()),
      this.recordGrant(code.clientId, grantId),
    ]);
    storageReplies(replies);
  }

  /**
   * Notes that a client holds a grant, so that deleting the client can revoke it. Sent along
   * with the write it accompanies: no extra round trip.
   */
  private async recordGrant(clientId: string | null, grantId: string): Promise<void> {
    if (clientId === null) return;
    // A grant is recorded once per process, not once per token: every issuance would otherwise
    // write to the registry's single slot.
    const entry = `${clientId}\0${grantId}`;
    if (this.recordedGrants.has(entry)) return;
    await storageCall(this.redis.client.sadd(this.redis.keys.clientGrants(clientId), grantId));
    if (this.recordedGrants.size >= RECORDED_GRANTS_LIMIT) this.recordedGrants.clear();
    this.recordedGrants.add(entry);
  }

  /** Exchanges a code; the token body on success, or why it was refused. */
  async exchangeCode(
    exchange: CodeExchange,
  ): Promise<{ body: string } | { failure: CodeExchangeFailure }> {
    const { keys } = this.redis;
    const reply = await storageCall(
      this.redis.runScript(
        'exchangeCode',
        [
          keys.code(exchange.grantId, exchange.codeHash),
          keys.token(exchange.grantId, exchange.tokenHash),
          keys.grantTokens(exchange.grantId),
        ],
        [
          exchange.clientId,
          exchange.redirectUri ?? '',
          exchange.codeVerifierS256 ?? '',
          exchange.codeVerifier ?? '',
          exchange.tokenHash,
          tokenHead(exchange.issuedAt, exchange.expiresAt),
          TOKEN_TAIL,
          exchange.keyTtl,
          keys.tokenPrefix(exchange.grantId),
          TOMBSTONE_TTL,
        ],
      ),
    );
    if (Array.isArray(reply) && reply[0] === 1 && typeof reply[1] === 'string')
      return { body: reply[1] };
    const failure = typeof reply === 'number' ? EXCHANGE_FAILURES[reply] : undefined;
    if (!failure)
      throw new Error(`unexpected reply of the exchangeCode script: ${JSON.stringify(reply)}`);
    return { failure };
  }

  async issueToken(
    grantId: string,
    clientId: string | null,
    tokenHash: string,
    value: string,
    keyTtl: number,
  ): Promise<void> {
    const { keys } = this.redis;
    await Promise.all([
      storageCall(
        this.redis.runScript(
          'issueToken',
          [keys.token(grantId, tokenHash), keys.grantTokens(grantId)],
          [tokenHash, value, keyTtl, keys.tokenPrefix(grantId)],
        ),
      ),
      this.recordGrant(clientId, grantId),
    ]);
  }

  /** The stored token: one GET, the whole cost of a verification. */
  getToken(grantId: string, tokenHash: string): Promise<string | null> {
    return storageCall(this.redis.client.get(this.redis.keys.token(grantId, tokenHash)));
  }

  /** 'revoked', 'unknown' (or already revoked), or 'not_owner' when `clientId` does not own it. */
  async revokeToken(
    grantId: string,
    tokenHash: string,
    clientId: string | undefined,
  ): Promise<'revoked' | 'unknown' | 'not_owner'> {
    const { keys } = this.redis;
    const reply = await storageCall(
      this.redis.runScript(
        'revokeToken',
        [keys.token(grantId, tokenHash), keys.grantTokens(grantId)],
        [tokenHash, TOMBSTONE_TTL, clientId ?? '', secondsNow()],
      ),
    );
    return reply === 1 ? 'revoked' : reply === -1 ? 'not_owner' : 'unknown';
  }

  /** Revokes every token of a grant; how many live tokens it revoked. */
  async revokeGrant(grantId: string): Promise<number> {
    const { keys } = this.redis;
    const reply = await storageCall(
      this.redis.runScript(
        'revokeGrant',
        [keys.grantTokens(grantId), keys.grantCodes(grantId)],
        [keys.tokenPrefix(grantId), TOMBSTONE_TTL, keys.codePrefix(grantId), secondsNow()],
      ),
    );
    return Number(reply);
  }
}
