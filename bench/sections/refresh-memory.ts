import type { Redis } from 'ioredis';
import { grantIdOf, refreshTokenParts } from '../../lib/crypto/grant-bound-secret';
import { sha256 } from '../../lib/crypto/sha256';
import { RedisKeys } from '../../lib/redis/redis-keys';
import { CONFIG } from '../config';
import { figure, Figure } from '../support/figure';
import { authorizationRequest, codeExchange, consent, refresh } from '../support/flows';
import { progress } from '../support/log';
import { runMany } from '../support/measure';
import {
  EXPIRING_ACCESS_TOKENS,
  newUserId,
  OauthistInstance,
  REFRESH_TOKENS,
  startOauthist,
} from '../support/oauthist';
import { datasetBytes, memoryUsage, usedMemory } from '../support/redis';
import { round } from '../support/stats';
import { registryKeys } from './memory';

/** Bytes a refresh token adds: in its grant's hash, in its spent code, and both together. */
export interface RefreshTokenBytes {
  readonly total: Figure;
  /** The family's field and its access tokens' tags: as long as the family lives. */
  readonly grantHash: Figure;
  /**
   * The family id the spent code keeps, so that a replay of the code ends the family: until the
   * code's record expires (authorizationCodeTtl, an hour by default, from the consent).
   */
  readonly spentCode: Figure;
}

export interface RefreshMemoryFigures {
  /** Grants per batch, each a fresh user's code exchange. */
  readonly grantsPerBatch: number;
  /**
   * MEMORY USAGE that a live refresh token adds, bytes: the keys of a grant with a refresh token
   * less those of one without, each holding the same access tokens. `issued`: right after the
   * code exchange, the family naming one refresh token; `rotated`: after one refresh (against a
   * grant given a second access token), the family naming its current token and the one it
   * replaced, as it stays however often it rotates.
   */
  readonly memoryUsagePerRefreshToken: {
    readonly issued: RefreshTokenBytes;
    readonly rotated: RefreshTokenBytes;
  };
  /** The grants' hashes the differences come from, MEMORY USAGE per grant. */
  readonly grantHash: {
    readonly withoutRefresh: Figure;
    readonly withRefresh: Figure;
    readonly twoTokensWithoutRefresh: Figure;
    readonly rotated: Figure;
  };
  /**
   * The same differences over whole batches, per grant: in used_memory, and in used_memory
   * less Redis's overhead (MEMORY STATS dataset.bytes), which the keyspace's table doubling
   * within one batch of the two does not blur.
   */
  readonly usedMemoryPerRefreshToken: { readonly issued: Figure; readonly rotated: Figure };
  readonly datasetPerRefreshToken: { readonly issued: Figure; readonly rotated: Figure };
  /** Keys and client-registry bytes a refresh token adds per grant (none expected of either). */
  readonly keysPerRefreshToken: number;
  readonly registryGrowthPerRefreshToken: Figure;
  /** Bytes of one family's stored record, as issued and once rotated, to show what is kept. */
  readonly exampleFamilyBytes: { readonly issued: number; readonly rotated: number };
  /** The encoding Redis chose for a grant's hash, without refresh tokens and once rotated. */
  readonly encodings: { readonly withoutRefresh: string; readonly rotated: string };
}

/** A grant of the batch: its user, its keys, and the refresh token the client holds, if any. */
interface BatchGrant {
  readonly userId: string;
  readonly key: string;
  /** What the code exchange leaves in the grant's slot: the spent code and the grant's code set. */
  readonly codeKeys: readonly string[];
  refreshToken?: string;
}

/** Redis as a step of a batch left it. */
interface Snapshot {
  /** MEMORY USAGE of the batch's grant hashes, summed. */
  readonly grantBytes: number;
  /** MEMORY USAGE of the batch's spent codes and code sets, summed. */
  readonly codeBytes: number;
  readonly used: number;
  readonly dataset: number;
  readonly keys: number;
  readonly registry: number;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

async function snapshot(admin: Redis, grants: readonly BatchGrant[]): Promise<Snapshot> {
  // used_memory first: the MEMORY USAGE replies below must not be counted in it.
  const used = await usedMemory(admin);
  const dataset = await datasetBytes(admin);
  const keys = await admin.dbsize();
  const registry = sum(await memoryUsage(admin, await registryKeys(admin)));
  const grantBytes = await memoryUsage(
    admin,
    grants.map((grant) => grant.key),
  );
  if (grantBytes.some((value) => value === 0))
    throw new Error('bench: a grant hash is not where redis-keys.ts says it is');
  const codeBytes = await memoryUsage(
    admin,
    grants.flatMap((grant) => grant.codeKeys),
  );
  if (codeBytes.some((value) => value === 0))
    throw new Error('bench: a spent code is not where redis-keys.ts says it is');
  return { grantBytes: sum(grantBytes), codeBytes: sum(codeBytes), used, dataset, keys, registry };
}

/** `count` code exchanges, each for a fresh user: the access token and, if on, its refresh token. */
async function exchanges(
  oauthist: OauthistInstance,
  keys: RedisKeys,
  count: number,
): Promise<BatchGrant[]> {
  const { grants, client } = oauthist;
  const batch: BatchGrant[] = [];
  await runMany(count, CONFIG.memory.issueConcurrency, async () => {
    const userId = newUserId();
    const code = await consent(await authorizationRequest(grants, client, userId));
    const issued = await codeExchange(grants, client, code);
    const grantId = grantIdOf(issued.accessToken) as string;
    batch.push({
      userId,
      key: keys.grant(grantId),
      codeKeys: [keys.code(grantId, sha256(code)), keys.grantCodes(grantId)],
      refreshToken: issued.refreshToken,
    });
  });
  return batch;
}

/** The family record a refresh token names, as stored. */
async function familyRecord(admin: Redis, grant: BatchGrant): Promise<string> {
  const parts = refreshTokenParts(grant.refreshToken ?? '');
  const value = parts === null ? null : await admin.hget(grant.key, `~${parts.familyId}`);
  if (value === null) throw new Error('bench: a refresh token names no family in its grant');
  return value;
}

type Step = 'start' | 'without' | 'second' | 'with' | 'rotated';

/** What a batch left at each step, and one grant's family and encoding to show. */
interface BatchResult {
  readonly at: Record<Step, Snapshot>;
  readonly familyBytes: { readonly issued: number; readonly rotated: number };
  readonly encodings: { readonly withoutRefresh: string; readonly rotated: string };
}

/** A figure per refresh token: right after the code exchange, and once rotated. */
interface PerRefreshToken {
  readonly issued: number;
  readonly rotated: number;
}

interface MeasuredBatch extends BatchResult {
  readonly grant: PerRefreshToken;
  readonly code: PerRefreshToken;
  readonly dataset: PerRefreshToken;
  readonly used: PerRefreshToken;
}

/**
 * One batch of each: `count` grants without refresh tokens, then as many with; then a second
 * access token in each grant without (issued directly, as a refresh stores it) and one refresh
 * of each grant with, so that both hold two access tokens and differ by the refresh token only.
 */
async function batch(
  plain: OauthistInstance,
  refreshing: OauthistInstance,
  admin: Redis,
  keys: RedisKeys,
  count: number,
): Promise<BatchResult> {
  const start = await snapshot(admin, []);
  const without = await exchanges(plain, keys, count);
  const afterWithout = await snapshot(admin, without);
  await runMany(count, CONFIG.memory.issueConcurrency, async (i) => {
    await plain.issueUserToken(without[i].userId);
  });
  const afterSecond = await snapshot(admin, without);
  const withRefresh = await exchanges(refreshing, keys, count);
  const afterWith = await snapshot(admin, withRefresh);
  const familyIssued = Buffer.byteLength(await familyRecord(admin, withRefresh[0]));
  await runMany(count, CONFIG.memory.issueConcurrency, async (i) => {
    const grant = withRefresh[i];
    const issued = await refresh(refreshing.grants, refreshing.client, grant.refreshToken ?? '');
    grant.refreshToken = issued.refreshToken;
  });
  const afterRotation = await snapshot(admin, withRefresh);
  return {
    at: {
      start,
      without: afterWithout,
      second: afterSecond,
      with: afterWith,
      rotated: afterRotation,
    },
    familyBytes: {
      issued: familyIssued,
      rotated: Buffer.byteLength(await familyRecord(admin, withRefresh[0])),
    },
    encodings: {
      withoutRefresh: String(await admin.object('ENCODING', without[0].key)),
      rotated: String(await admin.object('ENCODING', withRefresh[0].key)),
    },
  };
}

/**
 * Per grant, what the grants with refresh tokens added less what those without added, as one
 * snapshot field reads it: `issued` compares the two code exchanges, `rotated` the grants once
 * each holds two access tokens. Whole-Redis fields grow over the batch, grant fields are the
 * batch's own keys.
 */
function perRefreshToken(
  at: Record<Step, Snapshot>,
  field: keyof Snapshot,
  count: number,
): PerRefreshToken {
  const whole = field === 'used' || field === 'dataset' || field === 'keys' || field === 'registry';
  const grown = (from: Step, to: Step): number => at[to][field] - (whole ? at[from][field] : 0);
  return {
    issued: (grown('second', 'with') - grown('start', 'without')) / count,
    rotated: (grown('second', 'rotated') - grown('start', 'second')) / count,
  };
}

/**
 * Item 7 for refresh tokens: the Redis memory a live refresh token costs on top of the access
 * tokens of its grant, on an empty Redis: MEMORY USAGE of the keys each code exchange leaves
 * (the grant's hash, where the family is one field, and the spent code with the grant's code
 * set), and the growth of used_memory. Both sides take one-hour access tokens, so that their
 * access tokens are stored alike.
 */
export async function measureRefreshMemory(
  url: string,
  admin: Redis,
): Promise<RefreshMemoryFigures> {
  await admin.flushall();
  const plain = await startOauthist(url, EXPIRING_ACCESS_TOKENS);
  const refreshing = await startOauthist(url, REFRESH_TOKENS);
  try {
    const keys = new RedisKeys('oauthist');
    const count = CONFIG.memory.tokens;
    const batches: MeasuredBatch[] = [];
    for (let i = 1; i <= CONFIG.repeats; i++) {
      const result = await batch(plain, refreshing, admin, keys, count);
      const grant = perRefreshToken(result.at, 'grantBytes', count);
      const code = perRefreshToken(result.at, 'codeBytes', count);
      const dataset = perRefreshToken(result.at, 'dataset', count);
      const used = perRefreshToken(result.at, 'used', count);
      batches.push({ ...result, grant, code, dataset, used });
      progress(
        `memory batch ${i}/${CONFIG.repeats}, refresh tokens by MEMORY USAGE: ` +
          `${round(grant.issued + code.issued, 1)} B as issued (grant hash ${round(grant.issued, 1)}, ` +
          `spent code ${round(code.issued, 1)}), ${round(grant.rotated + code.rotated, 1)} B once rotated ` +
          `(grant hash ${round(grant.rotated, 1)}, spent code ${round(code.rotated, 1)}); ` +
          `by dataset.bytes ${round(dataset.issued)} and ${round(dataset.rotated)} B, ` +
          `by used_memory ${round(used.issued)} and ${round(used.rotated)} B`,
      );
    }
    const of = (pick: (b: MeasuredBatch) => number): Figure => figure('B', batches.map(pick), 1);
    const perGrant = (step: Step): Figure => of((b) => b.at[step].grantBytes / count);
    const bytes = (state: 'issued' | 'rotated'): RefreshTokenBytes => ({
      total: of((b) => b.grant[state] + b.code[state]),
      grantHash: of((b) => b.grant[state]),
      spentCode: of((b) => b.code[state]),
    });
    const [first] = batches;
    return {
      grantsPerBatch: count,
      memoryUsagePerRefreshToken: { issued: bytes('issued'), rotated: bytes('rotated') },
      grantHash: {
        withoutRefresh: perGrant('without'),
        withRefresh: perGrant('with'),
        twoTokensWithoutRefresh: perGrant('second'),
        rotated: perGrant('rotated'),
      },
      usedMemoryPerRefreshToken: {
        issued: of((b) => b.used.issued),
        rotated: of((b) => b.used.rotated),
      },
      datasetPerRefreshToken: {
        issued: of((b) => b.dataset.issued),
        rotated: of((b) => b.dataset.rotated),
      },
      keysPerRefreshToken: round(perRefreshToken(first.at, 'keys', count).issued, 2),
      registryGrowthPerRefreshToken: of((b) => perRefreshToken(b.at, 'registry', count).issued),
      exampleFamilyBytes: first.familyBytes,
      encodings: first.encodings,
    };
  } finally {
    await refreshing.close();
    await plain.close();
  }
}
