import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A throwaway redis-server on a free loopback port, with no persistence. */
export interface ThrowawayRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function redisServerMissing(): boolean {
  return spawnSync('redis-server', ['--version']).error !== undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      // A refused probe's socket is closed already, yet ioredis would keep a timer to close it
      // for the default 2 s, holding the test process open after a late restart.
      disconnectTimeout: 20,
    });
    probe.on('error', () => undefined); // a refused connection before start-up is expected
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server on port ${port} did not answer within 10 s`);
}

/** Starts redis-server on a free port with the extra arguments given (e.g. cluster settings). */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<ThrowawayRedis> {
  return startRedisServerOnPort(await freePort(), extraArgs);
}

/**
 * Starts redis-server on `port`, e.g. the port of one just stopped, so that a client still
 * configured for that address can find Redis again.
 */
export async function startRedisServerOnPort(
  port: number,
  extraArgs: readonly string[] = [],
): Promise<ThrowawayRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'oauthist-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitForPing(port, child);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
