import { Test, TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { ClientService, OAuthistModule, TokenService } from '../../lib';
import type { RegisteredClient } from '../../lib';
import { grantIdOf } from '../../lib/crypto/grant-bound-secret';
import { InvalidationListener } from '../../lib/redis/invalidation-listener';
import {
  addClusterReplica,
  ClusterReplica,
  moveSlot,
  startRedisCluster,
  ThrowawayCluster,
} from '../support/redis-cluster';
import { ask, waitUntil } from '../support/redis-processes';
import { redisCliMissing } from '../support/redis-cluster';
import { testPrefix } from '../support/test-redis';
import { REPORT_BOUND_MS, untilCached, verdict } from '../support/token-cache';

async function startInstance(cluster: ThrowawayCluster, prefix: string): Promise<TestingModule> {
  const module = await Test.createTestingModule({
    imports: [
      OAuthistModule.forRoot({
        redis: { clusterNodes: [...cluster.nodes] },
        prefix,
        tokenCache: true,
      }),
    ],
  }).compile();
  await module.init();
  return module;
}

/**
 * Once revoked, `token` must be refused by `tokens` within the bound, and by every check
 * after that: never live again.
 */
async function expectRefusedForGood(tokens: TokenService, token: string): Promise<void> {
  const start = performance.now();
  while ((await verdict(tokens, token)) === 'live') {
    expect(performance.now() - start).toBeLessThan(REPORT_BOUND_MS);
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (let i = 0; i < 200; i++) {
    expect(await verdict(tokens, token)).toBe('revoked');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The port of the master that holds `key`'s slot, and the slot. */
async function ownerOf(cluster: ThrowawayCluster, key: string): Promise<[number, number]> {
  const { port: any } = cluster.nodes[0];
  const slot = Number(await ask(any, (redis) => redis.call('CLUSTER', 'KEYSLOT', key)));
  const ranges = (await ask(any, (redis) => redis.call('CLUSTER', 'SLOTS'))) as [
    number,
    number,
    [string, number],
  ][];
  const range = ranges.find(([low, high]) => slot >= low && slot <= high);
  if (!range) throw new Error(`no master holds slot ${slot}`);
  return [range[2][1], slot];
}

// A cluster of its own: its slots are moved and its masters fail over.
describe('the token cache on a Redis Cluster that reshards and fails over', () => {
  let cluster: ThrowawayCluster;
  let replica: ClusterReplica | undefined;
  let a: TestingModule;
  let b: TestingModule;
  let client: RegisteredClient;
  const prefix = testPrefix();

  beforeAll(async () => {
    if (await redisCliMissing()) throw new Error('these tests need redis-cli on PATH');
    cluster = await startRedisCluster();
    a = await startInstance(cluster, prefix);
    b = await startInstance(cluster, prefix);
    client = await a.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://a.example/cb'],
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await replica?.stop();
    await cluster?.stop();
  });

  function issue(user: string) {
    return a.get(TokenService).issueAccessToken({ clientId: client.id, scopes: [], userId: user });
  }

  it('a revocation after the grant slot moved to another master still empties the cache', async () => {
    const issued = await issue('alice');
    await untilCached(b, issued.accessToken);
    const key = `${prefix}:{${grantIdOf(issued.accessToken)}}`;
    const [from, slot] = await ownerOf(cluster, key);
    const [{ port: to }] = cluster.nodes.filter(({ port }) => port !== from);
    await moveSlot(cluster, slot, from, to);
    expect((await ownerOf(cluster, key))[0]).toBe(to);
    // The move deleted the key on its old master, which reported it: B reads Redis again.
    expect(await verdict(b.get(TokenService), issued.accessToken)).toBe('live');
    await untilCached(b, issued.accessToken);
    await a.get(TokenService).revokeToken(issued.accessToken);
    await expectRefusedForGood(b.get(TokenService), issued.accessToken);
  }, 30_000);

  it('a revocation on a replica just promoted is reported: it was asked for reports as a replica', async () => {
    const issued = await issue('bob');
    const key = `${prefix}:{${grantIdOf(issued.accessToken)}}`;
    const [master] = await ownerOf(cluster, key);
    replica = await addClusterReplica(cluster, master);
    // Both instances learn of the new node, and track it, before the token is cached.
    await waitUntil(
      'the instances to track the replica',
      async () =>
        [a, b].every(
          (module) =>
            module.get(InvalidationListener).tracking &&
            module.get(InvalidationListener).clientIds().length === 4,
        ),
      20_000,
    );
    await untilCached(b, issued.accessToken);
    const promoted = replica.port;
    await ask(promoted, (redis) => redis.call('CLUSTER', 'FAILOVER'));
    await waitUntil(
      'the replica to take over',
      async () => (await ownerOf(cluster, key))[0] === promoted,
      20_000,
    );
    await a.get(TokenService).revokeToken(issued.accessToken);
    const written = await ask(promoted, (redis: Redis) => redis.hlen(key));
    expect(written).toBeGreaterThan(0);
    await expectRefusedForGood(b.get(TokenService), issued.accessToken);
  }, 60_000);
});
