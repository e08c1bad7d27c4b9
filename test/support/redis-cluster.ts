import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { ask, RedisProcess, replicationInfo, spawnRedis, waitUntil } from './redis-processes';
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

function nodeArgs(): string[] {
  return [
    '--cluster-enabled',
    'yes',
    // Relative to the server's own temporary --dir, so every node has its own file.
    '--cluster-config-file',
    'nodes.conf',
    '--cluster-node-timeout',
    '5000',
  ];
}

/** Three masters, no replicas, over the nodes given; resolves once every node says ok. */
async function joinCluster(nodes: readonly ClusterNodeAddress[]): Promise<void> {
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
}

async function freeClusterPorts(): Promise<number[]> {
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < MASTERS; i++) ports.push(await freeClusterPort(taken));
  return ports;
}

/**
 * Starts three redis-servers in cluster mode on free loopback ports, joins them with
 * `redis-cli --cluster create` (three masters, no replicas) and waits until every node says
 * `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<ThrowawayCluster> {
  const servers: ThrowawayRedis[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    const ports = await freeClusterPorts();
    servers.push(
      ...(await Promise.all(ports.map((port) => startRedisServerOnPort(port, nodeArgs())))),
    );
    const nodes = ports.map((port) => ({ host: HOST, port }));
    await joinCluster(nodes);
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A throwaway cluster whose nodes can all stop answering, or die, and come back. */
export interface FaultyCluster extends ThrowawayCluster {
  /** SIGSTOP on every node: connections are accepted by the kernel, nothing is answered. */
  freeze(): Promise<void>;
  /** SIGCONT on every node. */
  thaw(): Promise<void>;
  /** SIGKILL on every node; nodes.conf stays, the data does not (no persistence). */
  kill(): Promise<void>;
  /** Starts the killed nodes again on their ports and waits until the cluster is ok. */
  restart(): Promise<void>;
}

/**
 * As startRedisCluster, on processes of the test's own: a stopped or killed node keeps its
 * directory, so that it comes back with its node id and slots from nodes.conf.
 */
export async function startFaultyRedisCluster(): Promise<FaultyCluster> {
  const ports = await freeClusterPorts();
  const nodes = ports.map((port) => ({ host: HOST, port }));
  const dirs = ports.map(() => mkdtempSync(join(tmpdir(), 'oauthist-cluster-node-')));
  let processes: RedisProcess[] = [];
  let pids: number[] = [];
  const signal = (name: NodeJS.Signals): void => {
    for (const pid of pids) process.kill(pid, name);
  };
  const spawnNodes = async (): Promise<void> => {
    processes = await Promise.all(
      ports.map((port, i) => spawnRedis({ port, dir: dirs[i], args: nodeArgs() })),
    );
    pids = await Promise.all(
      ports.map((port) =>
        ask(port, async (redis) =>
          Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]),
        ),
      ),
    );
  };
  const kill = async (): Promise<void> => {
    signal('SIGCONT');
    await Promise.all(processes.map((node) => node.kill()));
    pids = [];
  };
  const stop = async (): Promise<void> => {
    await kill();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await spawnNodes();
    await joinCluster(nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    stop,
    kill,
    freeze: async () => signal('SIGSTOP'),
    thaw: async () => signal('SIGCONT'),
    restart: async () => {
      await spawnNodes();
      await waitForClusterOk(nodes);
    },
  };
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

/** A node's id in the cluster. */
function nodeId(port: number): Promise<string> {
  return ask(port, async (redis) => String(await redis.call('CLUSTER', 'MYID')));
}

/** A replica added to a cluster: its port, and how to stop it (before the cluster). */
export interface ClusterReplica {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Adds a replica of the master on `masterPort` to `cluster`, and resolves once it has synced
 * and every node knows it.
 */
export async function addClusterReplica(
  cluster: ThrowawayCluster,
  masterPort: number,
): Promise<ClusterReplica> {
  const taken = new Set(cluster.nodes.flatMap(({ port }) => [port, port + BUS_OFFSET]));
  const port = await freeClusterPort(taken);
  const server = await startRedisServerOnPort(port, nodeArgs());
  try {
    await ask(port, (redis) => redis.call('CLUSTER', 'MEET', HOST, String(masterPort)));
    const master = await nodeId(masterPort);
    // The new node must have heard of the master through the bus before it can follow it.
    await waitUntil('the replica to follow its master', async () => {
      await ask(port, (redis) => redis.call('CLUSTER', 'REPLICATE', master));
      return true;
    });
    await waitUntil(
      'the replica to sync',
      async () => (await replicationInfo(port, 'master_link_status')) === 'up',
    );
    await waitForClusterOk([...cluster.nodes, { host: HOST, port }]);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { port, stop: () => server.stop() };
}

/**
 * Moves `slot` with its keys from the master on `fromPort` to the master on `toPort` (a
 * resharding, as `redis-cli --cluster reshard` does it), and tells every node.
 */
export async function moveSlot(
  cluster: ThrowawayCluster,
  slot: number,
  fromPort: number,
  toPort: number,
): Promise<void> {
  const [from, to] = await Promise.all([nodeId(fromPort), nodeId(toPort)]);
  await ask(toPort, (redis) => redis.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', from));
  await ask(fromPort, (redis) => redis.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', to));
  for (;;) {
    const keys = (await ask(fromPort, (redis) =>
      redis.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '100'),
    )) as string[];
    if (keys.length === 0) break;
    await ask(fromPort, (redis) =>
      redis.call('MIGRATE', HOST, String(toPort), '', '0', '5000', 'KEYS', ...keys),
    );
  }
  for (const { port } of cluster.nodes) {
    await ask(port, (redis) => redis.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', to));
  }
}
