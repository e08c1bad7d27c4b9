import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CONFIG } from '../config';
import { Peer, PeerRedisModel } from '../peer/peer';
import { figure, Figure } from '../support/figure';
import { clientCredentials, codeFlow } from '../support/flows';
import { progress } from '../support/log';
import { Operation, throughput } from '../support/measure';
import {
  newUserId,
  OauthistInstance,
  REFRESH_TOKENS,
  RESOURCE,
  TOKEN_CACHE,
  SCOPE,
  SCOPES,
  startOauthist,
} from '../support/oauthist';
import { RefreshPool } from '../support/refresh-pool';
import { openConnection, redisCpuSeconds } from '../support/redis';

/** What the in-process section measures, each as ops/s. */
export const IN_PROCESS = [
  'floorGet',
  'floorHgetall',
  'verify',
  'verifyForResource',
  'verifyCached',
  'peerVerify',
  'clientCredentials',
  'peerClientCredentials',
  'codeFlow',
  'refresh',
] as const;
export type InProcessName = (typeof IN_PROCESS)[number];

export const IN_PROCESS_LABELS: Record<InProcessName, string> = {
  floorGet: 'ioredis GET',
  floorHgetall: 'ioredis HGETALL',
  verify: 'oauthist verifyAccessToken',
  verifyForResource: 'oauthist verifyAccessTokenFor (audience checked)',
  verifyCached: 'oauthist verifyAccessToken, tokenCache on',
  peerVerify: 'peer authenticate()',
  clientCredentials: 'oauthist client credentials',
  peerClientCredentials: 'peer token() client credentials',
  codeFlow: 'oauthist authorization-code flow',
  refresh: 'oauthist refresh (rotating)',
};

export interface InProcessContext {
  readonly oauthist: OauthistInstance;
  /**
   * A second oauthist on the same Redis with refresh tokens on, so that the code exchange and
   * the other grants are measured as before, with the defaults, and issue none.
   */
  readonly refreshing: OauthistInstance;
  readonly refreshPool: RefreshPool;
  /** A third oauthist on the same Redis and prefix with the token cache on: it verifies `oauthistTokens`. */
  readonly caching: OauthistInstance;
  readonly peer: Peer;
  readonly peerClient: { readonly id: string; readonly basic: string };
  readonly floorKeys: readonly string[];
  readonly floorHashKeys: readonly string[];
  readonly oauthistTokens: readonly string[];
  /** Tokens bound to `RESOURCE`, verified there. */
  readonly resourceTokens: readonly string[];
  readonly peerTokens: readonly string[];
  readonly peerRedis: Redis;
}

/**
 * Floor keys, a peer with its own client, a pool of live tokens for each server, and a pool of
 * refresh-token families for the refresh grant.
 */
export async function prepareInProcess(
  url: string,
  oauthist: OauthistInstance,
): Promise<InProcessContext> {
  const { poolSize, valueBytes } = CONFIG.inProcess;
  const redis = oauthist.redis;
  const floorKeys: string[] = [];
  const floorHashKeys: string[] = [];
  const pipeline = redis.pipeline();
  for (let i = 0; i < poolSize; i++) {
    const key = `bench:floor:get:${i}`;
    pipeline.set(key, randomBytes(valueBytes).toString('base64url').slice(0, valueBytes));
    floorKeys.push(key);
    // A hash shaped like a token of the peer's model: about 200 bytes of names and values.
    const hashKey = `bench:floor:hash:${i}`;
    pipeline.hset(hashKey, {
      accessToken: randomBytes(32).toString('hex'),
      accessTokenExpiresAt: new Date().toISOString(),
      scope: SCOPE,
      clientId: randomBytes(16).toString('base64url'),
      userId: newUserId(),
    });
    floorHashKeys.push(hashKey);
  }
  await pipeline.exec();

  const peerRedis = await openConnection(url);
  const peer = new Peer(new PeerRedisModel(peerRedis, SCOPES));
  const peerClient = {
    id: randomBytes(16).toString('base64url'),
    secret: randomBytes(32).toString('base64url'),
  };
  await peer.model.createClient(peerClient.id, peerClient.secret);
  const basic = `Basic ${Buffer.from(`${peerClient.id}:${peerClient.secret}`).toString('base64')}`;

  const oauthistTokens: string[] = [];
  const resourceTokens: string[] = [];
  const peerTokens: string[] = [];
  for (let i = 0; i < poolSize; i++) {
    oauthistTokens.push((await oauthist.issueUserToken()).accessToken);
    resourceTokens.push((await oauthist.issueResourceToken()).accessToken);
    const peerToken = randomBytes(32).toString('hex');
    await peer.saveUserToken(peerToken, peerClient.id, newUserId(), SCOPE);
    peerTokens.push(peerToken);
  }
  const refreshing = await startOauthist(url, REFRESH_TOKENS);
  const refreshPool = await RefreshPool.start(refreshing, CONFIG.inProcess.refreshFamilies);
  const caching = await startOauthist(url, TOKEN_CACHE);
  return {
    oauthist,
    refreshing,
    refreshPool,
    caching,
    peer,
    peerClient: { id: peerClient.id, basic },
    floorKeys,
    floorHashKeys,
    oauthistTokens,
    resourceTokens,
    peerTokens,
    peerRedis,
  };
}

/** What a route with `@ProtectedResource(RESOURCE)` checks. */
export const AT_RESOURCE = { resource: RESOURCE, acceptUnrestricted: false } as const;

function operations(context: InProcessContext): Record<InProcessName, Operation> {
  const { oauthist, peer, floorKeys, floorHashKeys, oauthistTokens, peerTokens, refreshPool } =
    context;
  const { resourceTokens } = context;
  const redis = oauthist.redis;
  return {
    floorGet: async (i) => {
      if ((await redis.get(floorKeys[i % floorKeys.length])) === null)
        throw new Error('bench: a floor key is missing');
    },
    floorHgetall: async (i) => {
      const hash = await redis.hgetall(floorHashKeys[i % floorHashKeys.length]);
      if (!hash.accessToken) throw new Error('bench: a floor hash is missing');
    },
    verify: (i) =>
      oauthist.tokens.verifyAccessToken(oauthistTokens[i % oauthistTokens.length], SCOPE),
    verifyForResource: (i) =>
      oauthist.tokens.verifyAccessTokenFor(
        resourceTokens[i % resourceTokens.length],
        AT_RESOURCE,
        SCOPE,
      ),
    // The pool's tokens are cached after the warm-up: this is the cache's hit path.
    verifyCached: (i) =>
      context.caching.tokens.verifyAccessToken(oauthistTokens[i % oauthistTokens.length], SCOPE),
    peerVerify: (i) => peer.verify(peerTokens[i % peerTokens.length], SCOPE),
    clientCredentials: () => clientCredentials(oauthist.grants, oauthist.client),
    peerClientCredentials: () => peer.clientCredentials(context.peerClient.basic, SCOPE),
    codeFlow: () => codeFlow(oauthist.grants, oauthist.client),
    refresh: () => refreshPool.refresh(),
  };
}

/** CPU time per operation: of this process (oauthist or the peer and ioredis), and of Redis. */
export interface CpuFigures {
  readonly nodeUsPerOp: Figure;
  readonly redisUsPerOp: Figure;
}

/**
 * Items 1, 2, 3 and 6: every in-process figure, measured in rounds, each round running every
 * operation once in turn, so that a change in the machine's load (other work on it) falls on
 * all the figures of a round alike rather than on one of them. Also the CPU time each operation
 * costs this process and redis-server, which says where the time goes.
 */
export async function measureInProcess(
  context: InProcessContext,
  admin: Redis,
): Promise<{ opsPerSec: Record<InProcessName, Figure>; cpu: Record<InProcessName, CpuFigures> }> {
  const { warmupMs, durationMs } = CONFIG.inProcess;
  const { concurrency, repeats } = CONFIG;
  const ops = operations(context);
  const runs = {} as Record<InProcessName, { ops: number[]; node: number[]; redis: number[] }>;
  for (const name of IN_PROCESS) {
    runs[name] = { ops: [], node: [], redis: [] };
    await throughput(ops[name], { concurrency, durationMs: warmupMs });
  }
  for (let round = 1; round <= repeats; round++) {
    for (const name of IN_PROCESS) {
      const redisBefore = await redisCpuSeconds(admin);
      const result = await throughput(ops[name], { concurrency, durationMs });
      const redisUsPerOp =
        (((await redisCpuSeconds(admin)) - redisBefore) * 1e6) / result.operations;
      runs[name].ops.push(result.opsPerSec);
      runs[name].node.push(result.nodeCpuUsPerOp);
      runs[name].redis.push(redisUsPerOp);
      progress(
        `in-process round ${round}/${repeats}: ${IN_PROCESS_LABELS[name]} ${Math.round(result.opsPerSec)} ops/s ` +
          `(CPU per op: node ${result.nodeCpuUsPerOp.toFixed(1)} us, redis ${redisUsPerOp.toFixed(1)} us)`,
      );
    }
  }
  const opsPerSec = {} as Record<InProcessName, Figure>;
  const cpu = {} as Record<InProcessName, CpuFigures>;
  for (const name of IN_PROCESS) {
    opsPerSec[name] = figure('ops/s', runs[name].ops);
    cpu[name] = {
      nodeUsPerOp: figure('us', runs[name].node, 1),
      redisUsPerOp: figure('us', runs[name].redis, 1),
    };
  }
  return { opsPerSec, cpu };
}
