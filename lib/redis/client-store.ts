import { Inject, Injectable, Optional } from '@nestjs/common';
import { TrackedCache } from '../cache/tracked-cache';
import type { ClientOrigin, ClientType } from '../interfaces';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { InvalidationListener } from './invalidation-listener';
import { DELETE_CLIENT_STATUS, SAVE_CLIENT_STATUS } from './lua-scripts';
import { RedisConnection } from './redis-connection';
import type { BruteForceLimits } from '../options/brute-force-limits';
import { storageCall, storageReplies } from './storage-call';

/** A client as it is stored: the public fields plus the hash of its secret. */
export interface ClientRecord {
  readonly id: string;
  readonly clientType: ClientType;
  readonly redirectUrls: readonly string[];
  readonly attributes: Readonly<Record<string, string>>;
  readonly createdAt: number;
  /** SHA-256 of the secret, base64url; `null` for public clients. */
  readonly secretHash: string | null;
  /** The scopes it may ask for; `null`: any. */
  readonly scopes: readonly string[] | null;
  /** Whether it is a resource server (field `rs`). */
  readonly resourceServer: boolean;
  /** How it came to be known (field `origin`, absent for `operator`). */
  readonly origin: ClientOrigin;
}

/** A change to a stored client: fields given are replaced, attributes set or removed. */
export interface ClientChange {
  readonly redirectUrls?: readonly string[];
  readonly secretHash?: string;
  /** `null` removes the list. */
  readonly scopes?: readonly string[] | null;
  readonly resourceServer?: boolean;
  readonly setAttributes?: Readonly<Record<string, string>>;
  readonly unsetAttributes?: readonly string[];
}

const ATTRIBUTE = 'a:';

/**
 * Reads and writes the client registry. Every write is one atomic script. A client about to
 * authenticate is read from the cache of clients when it holds it (see `clientCache`).
 */
@Injectable()
export class ClientStore {
  private readonly cache: TrackedCache<ClientRecord> | null = null;

  constructor(
    private readonly redis: RedisConnection,
    @Optional() private readonly invalidations?: InvalidationListener,
    @Optional() @Inject(OAUTHIST_OPTIONS) options?: ResolvedOAuthistOptions,
  ) {
    if (invalidations && options?.clientCache) {
      this.cache = new TrackedCache(options.clientCache, invalidations);
      invalidations.register(this.cache);
    }
  }

  async create(record: ClientRecord): Promise<boolean> {
    const fields: Record<string, string> = {
      type: record.clientType,
      redirect_urls: JSON.stringify(record.redirectUrls),
      created: String(record.createdAt),
    };
    if (record.secretHash !== null) fields.secret = record.secretHash;
    if (record.scopes !== null) fields.scopes = JSON.stringify(record.scopes);
    if (record.resourceServer) fields.rs = '1';
    if (record.origin !== 'operator') fields.origin = record.origin;
    const { keys } = this.redis;
    const originIndex =
      record.origin === 'operator' ? keys.allClients() : keys.clientsOfOrigin(record.origin);
    return this.save(
      record.id,
      'create',
      record.createdAt,
      fields,
      [],
      record.attributes,
      [],
      originIndex,
    );
  }

  async update(id: string, change: ClientChange): Promise<boolean> {
    const fields: Record<string, string> = {};
    if (change.redirectUrls) fields.redirect_urls = JSON.stringify(change.redirectUrls);
    if (change.secretHash) fields.secret = change.secretHash;
    if (change.scopes) fields.scopes = JSON.stringify(change.scopes);
    if (change.resourceServer) fields.rs = '1';
    const drop = [
      ...(change.scopes === null ? ['scopes'] : []),
      ...(change.resourceServer === false ? ['rs'] : []),
    ];
    return this.save(
      id,
      'update',
      0,
      fields,
      drop,
      change.setAttributes ?? {},
      change.unsetAttributes ?? [],
    );
  }

  /** Deletes a client; `false` if there was no such client. */
  async delete(id: string): Promise<boolean> {
    const { keys } = this.redis;
    const reply = await storageCall(
      this.redis.runScript('deleteClient', [keys.client(id), keys.allClients()], [id]),
    );
    this.invalidations?.invalidate([keys.client(id)]);
    return reply === DELETE_CLIENT_STATUS.deleted;
  }

  /**
   * A client about to authenticate, and how long its id must still wait, from `source`, under
   * the brute-force limit (0: it may try): one script, as both sit in the registry's slot. `limits` `null`: no
   * limit.
   */
  async getForAuthentication(
    id: string,
    source: string,
    limits: BruteForceLimits | null,
  ): Promise<{ record: ClientRecord | null; retryAfterMs: number }> {
    const { keys } = this.redis;
    const clientKey = keys.client(id);
    const attemptsKey = keys.attempts('client', id, source);
    const read = () => this.readForAuthentication(id, clientKey, attemptsKey, limits);
    if (this.cache === null) return read();
    // Without a limit the source does not matter: one entry per client.
    const cacheKey = limits === null ? clientKey : attemptsKey;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return { record: cached, retryAfterMs: 0 };
    // No failure can be counted without a write, which Redis reports: an id that may try now
    // may go on trying until the report comes. Only a client that exists and may try is kept:
    // unknown ids would let anyone fill the cache.
    return this.cache.read(
      cacheKey,
      limits === null ? [clientKey] : [clientKey, attemptsKey],
      read,
      ({ record, retryAfterMs }) =>
        record !== null && retryAfterMs === 0 ? { value: record } : undefined,
    );
  }

  /**
   * `get()` for a client naming itself at the token endpoint without a secret: from the cache
   * of clients when it holds it.
   */
  async getForRequest(id: string): Promise<ClientRecord | null> {
    if (this.cache === null) return this.get(id);
    const key = this.redis.keys.client(id);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    return this.cache.read(
      key,
      [key],
      () => this.get(id),
      (record) => (record === null ? undefined : { value: record }),
    );
  }

  /** The client and its id's brute-force wait, from Redis: one script (see getForAuthentication). */
  private async readForAuthentication(
    id: string,
    clientKey: string,
    attemptsKey: string,
    limits: BruteForceLimits | null,
  ): Promise<{ record: ClientRecord | null; retryAfterMs: number }> {
    const reply = await storageCall(
      this.redis.runScript(
        'readClientForAuthentication',
        [clientKey, attemptsKey],
        limits === null ? [0, 0] : [limits.windowSeconds * 1000, limits.maxFailures],
      ),
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number')
      throw new Error('unexpected reply of the readClientForAuthentication script');
    const hash: Record<string, string> = {};
    for (let i = 1; i < reply.length; i += 2) hash[String(reply[i])] = String(reply[i + 1]);
    return { record: parseRecord(id, hash), retryAfterMs: reply[0] };
  }

  /**
   * Forgets, in this process, that `id` may try from `source`: before a failure is counted, so
   * that the limit it may reach applies here without waiting for Redis' report.
   */
  forgetAuthentication(id: string, source: string): void {
    this.cache?.delete(this.redis.keys.attempts('client', id, source));
  }

  async get(id: string): Promise<ClientRecord | null> {
    const hash = await storageCall(this.redis.client.hgetall(this.redis.keys.client(id)));
    return parseRecord(id, hash);
  }

  /** Clients whose attributes hold every given value: SINTER of the index sets, then one pipeline. */
  async findByAttributes(attributes: Readonly<Record<string, string>>): Promise<ClientRecord[]> {
    const indexKeys = Object.entries(attributes).map(([name, value]) =>
      this.redis.keys.clientAttribute(name, value),
    );
    const ids = await storageCall(this.redis.client.sinter(...indexKeys));
    return this.getMany(ids.sort());
  }

  /** A page of clients, oldest first. */
  async list(offset: number, limit: number): Promise<ClientRecord[]> {
    const ids = await storageCall(
      this.redis.client.zrange(this.redis.keys.allClients(), offset, offset + limit - 1),
    );
    return this.getMany(ids);
  }

  count(): Promise<number> {
    return storageCall(this.redis.client.zcard(this.redis.keys.allClients()));
  }

  /** A page of the clients of one origin, oldest first. */
  async listOfOrigin(
    origin: Exclude<ClientOrigin, 'operator'>,
    offset: number,
    limit: number,
  ): Promise<ClientRecord[]> {
    const index = this.redis.keys.clientsOfOrigin(origin);
    const ids = await storageCall(this.redis.client.zrange(index, offset, offset + limit - 1));
    return this.getMany(ids);
  }

  /** How many clients of one origin there are. */
  countOfOrigin(origin: Exclude<ClientOrigin, 'operator'>): Promise<number> {
    return storageCall(this.redis.client.zcard(this.redis.keys.clientsOfOrigin(origin)));
  }

  /** Up to `limit` ids of the clients of one origin created before `before` (ms), oldest first. */
  idsOfOriginBefore(
    origin: Exclude<ClientOrigin, 'operator'>,
    before: number,
    limit: number,
  ): Promise<string[]> {
    return storageCall(
      this.redis.client.zrangebyscore(
        this.redis.keys.clientsOfOrigin(origin),
        '-inf',
        `(${before}`,
        'LIMIT',
        0,
        limit,
      ),
    );
  }

  private async getMany(ids: readonly string[]): Promise<ClientRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.client.pipeline();
    for (const id of ids) pipeline.hgetall(this.redis.keys.client(id));
    const replies = storageReplies(await storageCall(pipeline.exec()));
    const records: ClientRecord[] = [];
    replies.forEach((hash, i) => {
      const record = parseRecord(ids[i], hash as Record<string, string>);
      if (record) records.push(record);
    });
    return records;
  }

  private async save(
    id: string,
    mode: 'create' | 'update',
    createdAt: number,
    fields: Record<string, string>,
    dropFields: readonly string[],
    setAttributes: Readonly<Record<string, string>>,
    unsetAttributes: readonly string[],
    // Read on create only: an update never changes a client's origin.
    originIndex = this.redis.keys.allClients(),
  ): Promise<boolean> {
    const { keys } = this.redis;
    const set = Object.entries(setAttributes);
    const indexKeys = set.map(([name, value]) => keys.clientAttribute(name, value));
    const change = JSON.stringify({ fields, drop: dropFields, set, unset: unsetAttributes });
    const saved = await storageCall(
      this.redis.runScript(
        'saveClient',
        [keys.client(id), keys.allClients(), originIndex, ...indexKeys],
        [id, mode, createdAt, change],
      ),
    );
    // This process sees its own change at once; the others when Redis reports it.
    this.invalidations?.invalidate([keys.client(id)]);
    return saved === SAVE_CLIENT_STATUS.saved;
  }
}

function parseRecord(id: string, hash: Record<string, string>): ClientRecord | null {
  if (!hash.type) return null;
  const attributes: Record<string, string> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(ATTRIBUTE)) attributes[field.slice(ATTRIBUTE.length)] = value;
  }
  return {
    id,
    clientType: hash.type as ClientType,
    redirectUrls: JSON.parse(hash.redirect_urls) as string[],
    attributes,
    createdAt: Number(hash.created),
    secretHash: hash.secret ?? null,
    scopes: hash.scopes === undefined ? null : (JSON.parse(hash.scopes) as string[]),
    resourceServer: hash.rs === '1',
    origin: (hash.origin as ClientOrigin | undefined) ?? 'operator',
  };
}
