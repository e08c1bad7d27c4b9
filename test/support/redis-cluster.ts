import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedisServerOnPort, ThrowawayRedis } from './redis-server';

const run = promisify(execFile);

const HOST = '127.0.0.1';
/** Redis Cluster talks to its peers on the client port + 10000 (the cluster bus). */
const BUS_OFFSET = 10000;
const MASTERS = 3;

/** One node of a cluster, as ioredis and oauthist's `clusterNodes` take it. */
export interface ClusterNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** A throwaway Redis Cluster of three masters on loopback, with no persistence. */
export interface ThrowawayCluster {
  readonly nodes: readonly ClusterNodeAddress[];
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/**
 * A port that is free together with its bus port. A port the OS hands out may lie above
 * 55535, where the bus port would not exist, so candidates are drawn from below that instead;
 * `cluster-port` would lift the constraint but needs Redis 7.
 */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if (taken.has(port) || taken.has(port + BUS_OFFSET)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + BUS_OFFSET))) {
      taken.add(port).add(port + BUS_OFFSET);
      return port;
    }
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

/** Whether redis-cli, which builds the cluster, is on PATH. */
export async function redisCliMissing(): Promise<boolean> {
  try {
    await run('redis-cli', ['--version']);
    return false;
  } catch {
    return true;
  }
}

async function clusterInfo(port: number): Promise<string> {
  const probe = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    disconnectTimeout: 20,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.call('CLUSTER', 'INFO')) as string;
  } finally {
    probe.disconnect();
  }
}

/** Waits until every node reports the whole cluster as healthy and knows every other node. */
export async function waitForClusterOk(
  nodes: readonly ClusterNodeAddress[],
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const infos = await Promise.all(
      nodes.map(({ port }) => clusterInfo(port).catch((error: Error) => error.message)),
    );
    const healthy = infos.every(
      (info) =>
        /^cluster_state:ok\r?$/m.test(info) &&
        /^cluster_slots_ok:16384\r?$/m.test(info) &&
        new RegExp(`^cluster_known_nodes:${nodes.length}\\r?$`, 'm').test(info),
    );
    if (healthy) return;
    last = infos.join(' | ').replace(/\s+/g, ' ');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the Redis Cluster was not ok within ${timeoutMs} ms: ${last.slice(0, 500)}`);
}

/**
 * Starts three redis-servers in cluster mode on free loopback ports, joins them with
 * `redis-cli --cluster create` (three masters, no replicas) and waits until every node says
 * `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<ThrowawayCluster> {
  const taken = new Set<number>();
  const servers: ThrowawayRedis[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < MASTERS; i++) ports.push(await freeClusterPort(taken));
    servers.push(
      ...(await Promise.all(
        ports.map((port) =>
          startRedisServerOnPort(port, [
            '--cluster-enabled',
            'yes',
            // Relative to the server's own temporary --dir, so every node has its own file.
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '5000',
          ]),
        ),
      )),
    );
    const nodes = ports.map((port) => ({ host: HOST, port }));
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map(({ host, port }) => `${host}:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    await waitForClusterOk(nodes);
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `host:port,host:port,...`, the format of REDIS_CLUSTER_NODES. */
export function formatClusterNodes(nodes: readonly ClusterNodeAddress[]): string {
  return nodes.map(({ host, port }) => `${host}:${port}`).join(',');
}

/** Reads `host:port,host:port,...`; throws naming `variable` on a malformed entry. */
export function parseClusterNodes(raw: string, variable: string): ClusterNodeAddress[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.lastIndexOf(':');
      const port = Number(entry.slice(colon + 1));
      if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`${variable} entries are host:port, got ${JSON.stringify(entry)}`);
      }
      return { host: entry.slice(0, colon), port };
    });
}
