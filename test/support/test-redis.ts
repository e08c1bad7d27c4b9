import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { OAuthistRedisOption } from '../../lib';
import { ClusterNodeAddress, formatClusterNodes, parseClusterNodes } from './redis-cluster';

/**
 * What the test Redis is: a single redis-server, or a Redis Cluster. The Jest project sets it
 * (test/support/setup-*.ts); the same suites run once against each.
 */
export type TestTopology = 'standalone' | 'cluster';

/** A connection to the test Redis: a `Cluster` when the suites run against the cluster. */
export type TestRedis = Redis | Cluster;

export function testTopology(): TestTopology {
  return process.env.OAUTHIST_TEST_TOPOLOGY === 'cluster' ? 'cluster' : 'standalone';
}

/** The Redis URL the global setup chose for this run; only for the standalone topology. */
export function testRedisUrl(): string {
  if (testTopology() === 'cluster') {
    throw new Error(
      'testRedisUrl() names a single Redis, but this suite runs against the cluster: use ' +
        'testRedisOption() / connectTestRedis() (test/support/test-redis.ts)',
    );
  }
  const url = process.env.OAUTHIST_TEST_REDIS_URL;
  if (!url)
    throw new Error('OAUTHIST_TEST_REDIS_URL is unset: run the tests through jest (npm test)');
  return url;
}

/** The nodes of the test cluster the global setup started (or REDIS_CLUSTER_NODES named). */
export function testClusterNodes(): ClusterNodeAddress[] {
  const raw = process.env.OAUTHIST_TEST_CLUSTER_NODES;
  if (!raw) {
    throw new Error('OAUTHIST_TEST_CLUSTER_NODES is unset: run the tests through jest (npm test)');
  }
  return parseClusterNodes(raw, 'OAUTHIST_TEST_CLUSTER_NODES');
}

/** The module's `redis` option for the test Redis: a URL, or `{ clusterNodes }`. */
export function testRedisOption(): OAuthistRedisOption {
  return testTopology() === 'cluster' ? { clusterNodes: testClusterNodes() } : testRedisUrl();
}

/** The sample's environment for the test Redis: REDIS_URL, or REDIS_CLUSTER_NODES. */
export function sampleRedisEnv(): Record<string, string> {
  return testTopology() === 'cluster'
    ? { REDIS_CLUSTER_NODES: formatClusterNodes(testClusterNodes()) }
    : { REDIS_URL: testRedisUrl() };
}

/** A key prefix of this test's own, so that it never reads or deletes another's data. */
export function testPrefix(): string {
  return `oauthist-test:${randomUUID()}`;
}

/** A new connection to the test Redis, a `Cluster` on the cluster; the caller closes it. */
export function connectTestRedis(): TestRedis {
  return testTopology() === 'cluster'
    ? new Cluster(testClusterNodes(), { redisOptions: { maxRetriesPerRequest: 1 } })
    : new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
}

/**
 * The servers that hold the data: the connection itself, or a connection to each master of the
 * cluster (a key lives on exactly one of them), for commands such as SCAN that see one server.
 */
export async function masterConnections(redis: TestRedis): Promise<Redis[]> {
  if (!(redis instanceof Cluster)) return [redis];
  // The node list is known once the cluster is ready; a command waits for that.
  if (redis.status !== 'ready') await redis.ping();
  return redis.nodes('master');
}

async function scanKeys(node: Redis, match: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of node.scanStream({ match, count: 1000 })) {
    keys.push(...(batch as string[]));
  }
  return keys;
}

/** Every key matching the glob `match`, on every master (SCAN is fine in tests). */
export async function listKeys(redis: TestRedis, match: string): Promise<string[]> {
  const nodes = await masterConnections(redis);
  return (await Promise.all(nodes.map((node) => scanKeys(node, match)))).flat().sort();
}

async function readKeys(node: Redis, keys: readonly string[]): Promise<[string, string][]> {
  if (keys.length === 0) return [];
  const types = (await node.pipeline(keys.map((key) => ['type', key])).exec()) ?? [];
  const reads = keys.map((key, i): [string, ...string[]] => {
    const type = types[i][1] as string;
    if (type === 'hash') return ['hgetall', key];
    if (type === 'set') return ['smembers', key];
    if (type === 'zset') return ['zrange', key, '0', '-1', 'WITHSCORES'];
    if (type === 'list') return ['lrange', key, '0', '-1'];
    return ['get', key];
  });
  const contents = (await node.pipeline(reads).exec()) ?? [];
  return keys.map((key, i) => {
    const [error, content] = contents[i];
    // A key that expired between SCAN and the read reads as null, as it did before.
    return [key, JSON.stringify(error ? null : content)];
  });
}

/** Every key under `prefix` with its content, read for assertions, from every master. */
export async function dumpKeys(redis: TestRedis, prefix: string): Promise<Map<string, string>> {
  const nodes = await masterConnections(redis);
  const perNode = await Promise.all(
    nodes.map(async (node) => readKeys(node, await scanKeys(node, `${prefix}:*`))),
  );
  return new Map(perNode.flat().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** How many keys under `prefix` exist, on every master. */
export async function countKeys(redis: TestRedis, prefix: string): Promise<number> {
  return (await listKeys(redis, `${prefix}:*`)).length;
}

/**
 * Deletes every key under `prefix` on every master, one key per command: on a cluster a
 * multi-key DEL must stay within one slot, even on one server.
 */
export async function deleteKeys(redis: TestRedis, prefix: string): Promise<void> {
  const nodes = await masterConnections(redis);
  await Promise.all(
    nodes.map(async (node) => {
      const keys = await scanKeys(node, `${prefix}:*`);
      if (keys.length > 0) await node.pipeline(keys.map((key) => ['del', key])).exec();
    }),
  );
}
