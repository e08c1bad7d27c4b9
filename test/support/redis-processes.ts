import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './redis-server';

/**
 * A redis-server (or Sentinel) process of one test that can be killed without warning, as a
 * crashed machine would be: the fault tests need SIGKILL, not the orderly SIGTERM of
 * `ThrowawayRedis.stop()`.
 */
export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** SIGKILL, resolving once the process is gone. */
  kill(): Promise<void>;
  /** SIGKILL if still running, then removes its directory. */
  stop(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/** A connection for looking at a process, failing at once rather than retrying. */
export function probeConnection(port: number): Redis {
  const probe = new Redis({
    port,
    host: LOOPBACK,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    commandTimeout: 1000,
    // A refused probe would otherwise keep a 2 s timer that holds the test process open.
    disconnectTimeout: 20,
  });
  probe.on('error', () => undefined);
  return probe;
}

/** Runs `ask` on a fresh connection to `port`; the connection is closed afterwards. */
export async function ask<T>(port: number, question: (redis: Redis) => Promise<T>): Promise<T> {
  const probe = probeConnection(port);
  try {
    await probe.connect();
    return await question(probe);
  } finally {
    probe.disconnect();
  }
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts redis-server on loopback `port` (a free one if omitted) without persistence;
 * `configFile` first when given (Sentinel needs one it can rewrite).
 */
export async function spawnRedis(
  options: { port?: number; args?: readonly string[]; configFile?: string; dir?: string } = {},
): Promise<RedisProcess> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'oauthist-redis-'));
  const child = spawn(
    'redis-server',
    [
      ...(options.configFile ? [options.configFile] : []),
      '--port',
      String(port),
      '--bind',
      LOOPBACK,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(options.args ?? []),
    ],
    { stdio: 'ignore' },
  );
  const kill = async (): Promise<void> => {
    const gone = exited(child);
    child.kill('SIGKILL');
    await gone;
  };
  const stop = async (): Promise<void> => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(`redis-server on port ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      return (await ask(port, (redis) => redis.ping())) === 'PONG';
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `redis://${LOOPBACK}:${port}`, kill, stop };
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

/** A field of `INFO replication` of the server on `port`. */
export function replicationInfo(port: number, field: string): Promise<string | undefined> {
  return ask(port, async (redis) => infoField(await redis.info('replication'), field));
}

export interface SentinelGroupOptions {
  readonly masterName?: string;
  readonly quorum?: number;
  readonly sentinels?: number;
  readonly downAfterMs?: number;
  readonly failoverTimeoutMs?: number;
}

/**
 * A master, one replica and Sentinels monitoring them, all on loopback with no persistence:
 * the smallest deployment in which a failover can happen.
 */
export interface SentinelGroup {
  readonly masterName: string;
  readonly master: RedisProcess;
  readonly replica: RedisProcess;
  /** Where the Sentinels listen, as ioredis's `sentinels` option wants them. */
  readonly sentinels: { host: string; port: number }[];
  /** The port the Sentinels now name as master's. */
  masterPort(): Promise<number>;
  /** Resolves once the replica has every write the master has acknowledged so far. */
  replicaCaughtUp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the group and waits until the Sentinels know the replica and one another, which is
 * what they need to agree on a failover; until then a dead master would stay dead.
 */
export async function startSentinelGroup(
  options: SentinelGroupOptions = {},
): Promise<SentinelGroup> {
  const masterName = options.masterName ?? 'mymaster';
  const quorum = options.quorum ?? 2;
  const count = options.sentinels ?? 3;
  const started: RedisProcess[] = [];
  try {
    // Diskless sync without delay: the replica is in step in milliseconds, not the default 5 s.
    const master = await spawnRedis({
      args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'],
    });
    started.push(master);
    const replica = await spawnRedis({
      args: ['--replicaof', LOOPBACK, String(master.port)],
    });
    started.push(replica);
    await waitUntil(
      'the replica to sync',
      async () => (await replicationInfo(replica.port, 'master_link_status')) === 'up',
    );

    const sentinels: { host: string; port: number }[] = [];
    for (let i = 0; i < count; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'oauthist-sentinel-'));
      const configFile = join(dir, 'sentinel.conf');
      writeFileSync(
        configFile,
        [
          `sentinel monitor ${masterName} ${LOOPBACK} ${master.port} ${quorum}`,
          `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs ?? 3000}`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await spawnRedis({ configFile, dir, args: ['--sentinel'] });
      started.push(sentinel);
      sentinels.push({ host: LOOPBACK, port: sentinel.port });
    }
    await waitUntil(
      'the Sentinels to discover the replica and one another',
      async () => {
        for (const { port } of sentinels) {
          const state = await ask(port, async (redis) => {
            const flat = (await redis.call('SENTINEL', 'MASTER', masterName)) as string[];
            const fields = new Map<string, string>();
            for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
            return fields;
          });
          if (state.get('flags') !== 'master') return false;
          if (Number(state.get('num-slaves')) !== 1) return false;
          if (Number(state.get('num-other-sentinels')) !== count - 1) return false;
        }
        return true;
      },
      20_000,
      100,
    );

    return {
      masterName,
      master,
      replica,
      sentinels,
      masterPort: () =>
        ask(sentinels[0].port, async (redis) => {
          const reply = (await redis.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [
            string,
            string,
          ];
          return Number(reply[1]);
        }),
      replicaCaughtUp: async () => {
        const target = Number(await replicationInfo(master.port, 'master_repl_offset'));
        await waitUntil('the replica to catch up', async () => {
          const offset = Number(await replicationInfo(replica.port, 'slave_repl_offset'));
          return offset >= target;
        });
      },
      stop: async () => {
        await Promise.all(started.map((process) => process.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((process) => process.stop()));
    throw error;
  }
}
