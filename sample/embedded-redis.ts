import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Redis } from 'ioredis';

/** The redis-server the sample and the CLI share when REDIS_URL is unset. */
export interface EmbeddedRedis {
  /** The unix socket to connect to (relative when the absolute path is too long for a socket). */
  readonly socketPath: string;
  /** Stops the server if this process started it; leaves a server someone else started alone. */
  stop(): Promise<void>;
}

/** Thrown when there is no redis-server to start; its message is the one line to print. */
export class RedisServerMissingError extends Error {}

// sun_path holds 108 bytes on Linux.
const MAX_SOCKET_PATH = 100;

function socketPathFor(dataDir: string): string {
  const absolute = join(dataDir, 'redis.sock');
  return absolute.length <= MAX_SOCKET_PATH ? absolute : relative(process.cwd(), absolute);
}

async function answers(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return false;
  const probe = new Redis({
    path: socketPath,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function waitUntilAnswering(socketPath: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await answers(socketPath)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not answer within 10 s');
}

/**
 * Uses the redis-server already serving `dataDir`, or starts one: unix socket only (no TCP
 * port), append-only file in `dataDir`, so data outlives restarts.
 */
export async function startEmbeddedRedis(
  dataDir: string,
  command = 'redis-server',
): Promise<EmbeddedRedis> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const socketPath = socketPathFor(dataDir);
  if (await answers(socketPath)) return { socketPath, stop: async () => undefined };
  if (spawnSync(command, ['--version']).error) {
    throw new RedisServerMissingError(
      'redis-server is not on PATH: install it (Debian: apt-get install redis-server) or set REDIS_URL',
    );
  }
  const child = spawn(
    command,
    [
      '--port',
      '0',
      // Relative to --dir, which redis-server enters before it binds: no socket path limit.
      '--unixsocket',
      'redis.sock',
      '--unixsocketperm',
      '700',
      '--dir',
      dataDir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore', cwd: dataDir },
  );
  await waitUntilAnswering(socketPath, child);
  return {
    socketPath,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
