import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Redis } from 'ioredis';

/** The redis-server the sample and the CLI share when REDIS_URL is unset. */
export interface EmbeddedRedis {
  /** The unix socket to connect to (relative when the absolute path is too long for a socket). */
  readonly socketPath: string;
  /**
   * Stops the server if this process owns it (started it, or adopted it from a run that ended
   * without stopping it); leaves a server that another running process owns alone.
   */
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

function probe(socketPath: string): Redis {
  const connection = new Redis({
    path: socketPath,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  connection.on('error', () => undefined);
  return connection;
}

async function answers(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return false;
  const connection = probe(socketPath);
  try {
    await connection.connect();
    return (await connection.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    connection.disconnect();
  }
}

/** The pid of the redis-server behind the socket, from INFO. */
async function serverPid(socketPath: string): Promise<number> {
  const connection = probe(socketPath);
  try {
    await connection.connect();
    const pid = /^process_id:(\d+)\r?$/m.exec(await connection.info('server'))?.[1];
    if (pid === undefined) throw new Error('redis-server did not say its process id');
    return Number(pid);
  } finally {
    connection.disconnect();
  }
}

/**
 * A process as the owner file names it: the pid, and on Linux its start time, so that a pid
 * that a later process reuses does not pass for the owner that ended.
 */
interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string | null;
}

/** Linux: the start time of `pid` (field 22 of /proc/PID/stat), `undefined` if it has ended. */
function linuxStartTime(pid: number): string | null | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No /proc (not Linux): say nothing about the process.
    return code === 'ENOENT' && existsSync('/proc/self/stat') ? undefined : null;
  }
  // The command name, in parentheses, may hold spaces: count the fields after ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // A zombie has ended: only its parent has not yet read its exit status.
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}

function identityOf(pid: number): ProcessIdentity {
  return { pid, startTime: linuxStartTime(pid) ?? null };
}

function isRunning(owner: ProcessIdentity): boolean {
  const startTime = linuxStartTime(owner.pid);
  if (startTime === undefined) return false;
  if (startTime !== null && owner.startTime !== null) return startTime === owner.startTime;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who stops the server: a file beside the socket, naming the process that will. */
class OwnerFile {
  constructor(private readonly path: string) {}

  read(): ProcessIdentity | undefined {
    try {
      const { pid, startTime } = JSON.parse(readFileSync(this.path, 'utf8')) as ProcessIdentity;
      return Number.isSafeInteger(pid) ? { pid, startTime: startTime ?? null } : undefined;
    } catch {
      return undefined;
    }
  }

  claim(): void {
    writeFileSync(this.path, JSON.stringify(identityOf(process.pid)), { mode: 0o600 });
  }

  release(): void {
    if (this.read()?.pid === process.pid) rmSync(this.path, { force: true });
  }
}

/**
 * Stops the server with `pid` when this process ends, however it ends short of SIGKILL (an
 * uncaught exception, process.exit): `exit` handlers run synchronously, so a signal it is.
 */
function stopWithThisProcess(pid: number): () => void {
  const onExit = (): void => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

async function waitUntilGone(pid: number): Promise<void> {
  const identity = identityOf(pid);
  const deadline = Date.now() + 10_000;
  while (isRunning(identity)) {
    if (Date.now() > deadline)
      throw new Error(`redis-server (pid ${pid}) did not stop within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const CONNECTION_NAME = 'oauthist-sample:';

/** The name this process's connections give themselves, so that others can tell it is here. */
export function embeddedConnectionName(): string {
  return `${CONNECTION_NAME}${process.pid}`;
}

/** Whether another process of the sample or the CLI is connected (by CLIENT LIST's names). */
async function usedByOthers(socketPath: string): Promise<boolean> {
  const connection = probe(socketPath);
  try {
    await connection.connect();
    const clients = String(await connection.call('CLIENT', 'LIST'));
    const own = embeddedConnectionName();
    return clients.split('\n').some((line) => {
      const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
      return name.startsWith(CONNECTION_NAME) && name !== own;
    });
  } catch {
    return false;
  } finally {
    connection.disconnect();
  }
}

/** SHUTDOWN (which writes the append-only file out first), then waits until it is gone. */
async function shutdown(socketPath: string, pid: number): Promise<void> {
  const connection = probe(socketPath);
  try {
    await connection.connect();
    await connection.shutdown();
  } catch {
    // The connection closes as the server shuts down, or it had already gone.
  } finally {
    connection.disconnect();
  }
  await waitUntilGone(pid);
}

/**
 * Takes over a server that answers on the socket but that no running process owns: the run
 * that started it ended without stopping it (SIGKILL, a power cut). This run stops it, unless
 * another still uses it, which then does.
 */
async function adopt(socketPath: string, owner: OwnerFile): Promise<EmbeddedRedis> {
  const pid = await serverPid(socketPath);
  owner.claim();
  const forget = stopWithThisProcess(pid);
  return {
    socketPath,
    stop: async () => {
      forget();
      if (!(await usedByOthers(socketPath))) await shutdown(socketPath, pid);
      owner.release();
    },
  };
}

/**
 * Uses a server another living process owns. Its owner stops it; but if the owner ended while
 * this process still used it, the last user stops it.
 */
function share(socketPath: string, owner: OwnerFile): EmbeddedRedis {
  return {
    socketPath,
    stop: async () => {
      const current = owner.read();
      if (current !== undefined && isRunning(current)) return;
      if (await usedByOthers(socketPath)) return;
      const pid = await serverPid(socketPath).catch(() => undefined);
      if (pid !== undefined) await shutdown(socketPath, pid);
    },
  };
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
  const owner = new OwnerFile(join(dataDir, 'redis.owner'));
  if (await answers(socketPath)) {
    // Its owner may be this very process (another part of it started the server).
    const current = owner.read();
    if (current !== undefined && isRunning(current)) return share(socketPath, owner);
    return adopt(socketPath, owner);
  }
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
  const forget = child.pid === undefined ? () => undefined : stopWithThisProcess(child.pid);
  // Before the socket answers: whoever finds it answering finds its owner too.
  owner.claim();
  try {
    await waitUntilAnswering(socketPath, child);
  } catch (error) {
    child.kill('SIGKILL');
    forget();
    owner.release();
    throw error;
  }
  return {
    socketPath,
    stop: async () => {
      forget();
      // Another run shares it: the owner leaves, and the last user stops it (see share()).
      if (await usedByOthers(socketPath)) {
        owner.release();
        return;
      }
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      owner.release();
    },
  };
}
