import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { grantIdOf } from '../../lib/crypto/grant-bound-secret';
import { RedisKeys } from '../../lib/redis/redis-keys';
import { tokenField } from '../../lib/redis/token-record';
import { CONFIG } from '../config';
import { figure, Figure } from '../support/figure';
import { progress } from '../support/log';
import { runMany } from '../support/measure';
import { newUserId, OauthistInstance, SCOPE, SCOPES, startOauthist } from '../support/oauthist';
import { PeerRedisModel } from '../peer/peer';
import { memoryUsage, openConnection, usedMemory } from '../support/redis';
import { round } from '../support/stats';

/** Tokens of other users the client holds before the measured ones: a client in use. */
const PRIMING_TOKENS = 1000;

export interface MemoryFigures {
  /** Tokens issued per batch (each for a fresh user, so each also starts a grant). */
  readonly tokensPerBatch: number;
  /** Keys one token adds, counted by DBSIZE (its grant's hash, and the new user's index). */
  readonly keysPerToken: number;
  /** MEMORY USAGE of everything one token creates or grows, bytes per token. */
  readonly memoryUsagePerToken: Figure;
  readonly memoryUsageParts: {
    /** The grant's hash, which holds the token. */
    readonly grantHash: Figure;
    /** Growth of the client registry's keys (none expected: no index of grants is kept). */
    readonly registryGrowth: Figure;
  };
  /**
   * MEMORY USAGE of the index of grants each new user starts (`listGrants()`), per user: one
   * key per user, not per token, so apart from the token's figure.
   */
  readonly userIndexPerUser: Figure;
  /** The encoding Redis chose for a user's index (listpack is the compact one). */
  readonly userIndexEncoding: string;
  /** used_memory growth over a batch, divided by its tokens. */
  readonly usedMemoryPerToken: Figure;
  /** The stored value of one token, to show what the bytes are. */
  readonly exampleValueBytes: number;
  /** The encoding Redis chose for a grant's hash (listpack is the compact one). */
  readonly grantEncoding: string;
  /** The peer's model, measured the same way: its token hash is all one token adds. */
  readonly peer: { readonly memoryUsagePerToken: Figure; readonly usedMemoryPerToken: Figure };
}

/** The keys matching `pattern`, found by SCAN (the benchmark's own Redis, nothing else). */
async function keysMatching(admin: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** The client registry's keys: everything under the `{clients}` tag. */
export function registryKeys(admin: Redis): Promise<string[]> {
  return keysMatching(admin, 'oauthist:{clients}:*');
}

/** The users' indexes of grants: one key per user, under the user's own tag. */
function userIndexKeys(admin: Redis): Promise<string[]> {
  return keysMatching(admin, 'oauthist:{user:*}');
}

async function batch(
  oauthist: OauthistInstance,
  admin: Redis,
  keys: RedisKeys,
  count: number,
): Promise<{
  perToken: number;
  grantHash: number;
  registry: number;
  used: number;
  keys: number;
  valueBytes: number;
  encoding: string;
  userIndex: number;
  userIndexEncoding: string;
}> {
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  const registryBefore = sum(await memoryUsage(admin, await registryKeys(admin)));
  const indexesBefore = new Set(await userIndexKeys(admin));
  const sizeBefore = await admin.dbsize();
  const usedBefore = await usedMemory(admin);
  const tokens: string[] = [];
  await runMany(count, CONFIG.memory.issueConcurrency, async () => {
    tokens.push((await oauthist.issueUserToken()).accessToken);
  });
  const usedAfter = await usedMemory(admin);
  const sizeAfter = await admin.dbsize();
  const registryAfter = sum(await memoryUsage(admin, await registryKeys(admin)));
  const grants = tokens.map((token) => keys.grant(grantIdOf(token) as string));
  const grantBytes = await memoryUsage(admin, grants);
  if (grantBytes.some((bytes) => bytes === 0))
    throw new Error('bench: a grant hash is not where redis-keys.ts says it is');
  const value = await admin.hget(grants[0], tokenField(tokens[0]));
  const grantHash = sum(grantBytes) / count;
  const registry = (registryAfter - registryBefore) / count;
  const newIndexes = (await userIndexKeys(admin)).filter((key) => !indexesBefore.has(key));
  if (newIndexes.length !== count)
    throw new Error(`bench: ${newIndexes.length} users' indexes for ${count} new users`);
  return {
    perToken: grantHash + registry,
    grantHash,
    registry,
    used: (usedAfter - usedBefore) / count,
    keys: (sizeAfter - sizeBefore) / count,
    valueBytes: Buffer.byteLength(value ?? ''),
    encoding: String(await admin.object('ENCODING', grants[0])),
    userIndex: sum(await memoryUsage(admin, newIndexes)) / count,
    userIndexEncoding: String(await admin.object('ENCODING', newIndexes[0])),
  };
}

/** The same for the peer: tokens saved through its model's saveToken(), each for a fresh user. */
async function peerBatch(
  model: PeerRedisModel,
  admin: Redis,
  count: number,
): Promise<{ perToken: number; used: number }> {
  const client = { id: randomBytes(16).toString('base64url'), grants: ['client_credentials'] };
  const usedBefore = await usedMemory(admin);
  const tokens: string[] = [];
  await runMany(count, CONFIG.memory.issueConcurrency, async () => {
    const accessToken = randomBytes(32).toString('hex'); // as the peer's generateAccessToken()
    const user = { id: newUserId() };
    await model.saveToken(
      {
        accessToken,
        accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
        scope: [SCOPE],
        client,
        user,
      },
      client,
      user,
    );
    tokens.push(accessToken);
  });
  const usedAfter = await usedMemory(admin);
  const bytes = await memoryUsage(
    admin,
    tokens.map((token) => `tokens:${token}`),
  );
  return {
    perToken: bytes.reduce((a, b) => a + b, 0) / count,
    used: (usedAfter - usedBefore) / count,
  };
}

/**
 * Item 7: Redis memory per live access token with a typical extra (a UUID `userId`), on an
 * empty Redis: MEMORY USAGE of the token's grant hash (new, as each token is a new user's) and
 * the growth of the client registry; and used_memory growth over a batch, per token.
 */
export async function measureMemory(url: string, admin: Redis): Promise<MemoryFigures> {
  await admin.flushall();
  const oauthist = await startOauthist(url);
  try {
    const keys = new RedisKeys('oauthist');
    await runMany(PRIMING_TOKENS, 64, () => oauthist.issueUserToken());
    const count = CONFIG.memory.tokens;
    const batches = [];
    for (let i = 1; i <= CONFIG.repeats; i++) {
      const result = await batch(oauthist, admin, keys, count);
      batches.push(result);
      progress(
        `memory batch ${i}/${CONFIG.repeats}: ${round(result.perToken)} B/token by MEMORY USAGE ` +
          `(grant hash ${round(result.grantHash)}, registry growth ${round(result.registry, 1)}), ` +
          `${round(result.userIndex)} B/user of index, ` +
          `${round(result.used)} B/token by used_memory`,
      );
    }
    const peerRedis = await openConnection(url);
    const peerBatches = [];
    try {
      const model = new PeerRedisModel(peerRedis, SCOPES);
      for (let i = 1; i <= CONFIG.repeats; i++) {
        const result = await peerBatch(model, admin, count);
        peerBatches.push(result);
        progress(
          `memory batch ${i}/${CONFIG.repeats}, peer: ${round(result.perToken)} B/token by MEMORY USAGE, ` +
            `${round(result.used)} B/token by used_memory`,
        );
      }
    } finally {
      await peerRedis.quit();
    }
    return {
      tokensPerBatch: count,
      keysPerToken: round(batches[0].keys, 2),
      memoryUsagePerToken: figure(
        'B',
        batches.map((b) => b.perToken),
        1,
      ),
      memoryUsageParts: {
        grantHash: figure(
          'B',
          batches.map((b) => b.grantHash),
          1,
        ),
        registryGrowth: figure(
          'B',
          batches.map((b) => b.registry),
          1,
        ),
      },
      userIndexPerUser: figure(
        'B',
        batches.map((b) => b.userIndex),
        1,
      ),
      userIndexEncoding: batches[0].userIndexEncoding,
      usedMemoryPerToken: figure(
        'B',
        batches.map((b) => b.used),
        1,
      ),
      exampleValueBytes: batches[0].valueBytes,
      grantEncoding: batches[0].encoding,
      peer: {
        memoryUsagePerToken: figure(
          'B',
          peerBatches.map((b) => b.perToken),
          1,
        ),
        usedMemoryPerToken: figure(
          'B',
          peerBatches.map((b) => b.used),
          1,
        ),
      },
    };
  } finally {
    await oauthist.close();
  }
}
