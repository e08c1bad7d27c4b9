import { ChildProcess, spawn } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../support/redis-processes';
import { buildSample, ROOT } from '../support/sample-process';

/**
 * However the sample ends, no process of it remains: `npm start`, the script it runs
 * (scripts/run-sample.mjs), the sample and its embedded redis-server. Each run starts the real
 * `npm start` in a directory of its own, so its .oauthist-data/ is the test's, not the
 * project's: the directory holds the project's start and cli scripts and a link to scripts/.
 */

jest.setTimeout(180_000);

const START_TIMEOUT_MS = 30_000;
/** How long every process of a run may take to end once it was told to. */
const END_TIMEOUT_MS = 10_000;

interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  readonly command: string;
}

/** Every process on the machine, from /proc. */
function processTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      table.set(Number(name), { pid: Number(name), ppid: Number(ppid), state, command });
    } catch {
      // ended while being read
    }
  }
  return table;
}

/** `root` and every process below it. */
function processTree(root: number): ProcessInfo[] {
  const table = processTable();
  const tree: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const info = table.get(pid);
    if (info) tree.push(info);
    for (const child of table.values()) if (child.ppid === pid) queue.push(child.pid);
  }
  return tree;
}

/** Running: present and not a zombie (a zombie has ended; only its exit status is left). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A run of `npm start` with its processes, found once it listens. */
interface StartedSample {
  readonly npm: ChildProcess;
  readonly port: number;
  /** The `sh -c` npm runs the script in. */
  readonly shell: ProcessInfo;
  readonly wrapper: ProcessInfo;
  readonly sample: ProcessInfo;
  /** The redis-server it started; none when it adopted one that a crashed run left. */
  readonly redis: ProcessInfo | undefined;
  readonly all: ProcessInfo[];
  output(): string;
}

describe('nothing outlives the sample', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const started: StartedSample[] = [];

  /** Whether `pid` runs in this test's directory (the embedded Redis runs in .oauthist-data/). */
  function redisOfDir(pid: number): boolean {
    try {
      return readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
    } catch {
      return false;
    }
  }

  beforeAll(() => {
    buildSample();
    dir = mkdtempSync(join(tmpdir(), 'oauthist-lifecycle-'));
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'oauthist-lifecycle',
        version: '0.0.0',
        private: true,
        scripts: { start: scripts.start, cli: scripts.cli },
      }),
    );
    symlinkSync(join(ROOT, 'scripts'), join(dir, 'scripts'));
    env = { ...process.env, HOST: '127.0.0.1', PORT: '0' };
    delete env.REDIS_URL;
    delete env.REDIS_CLUSTER_NODES;
  });

  afterEach(() => {
    // A failed test must not leave its processes to the next.
    for (const run of started.splice(0)) {
      for (const info of run.all) if (running(info.pid)) process.kill(info.pid, 'SIGKILL');
    }
    // A redis-server that a crashed run left and no later run adopted.
    for (const info of processTable().values()) {
      if (info.state !== 'Z' && info.command.startsWith('redis-server') && redisOfDir(info.pid)) {
        process.kill(info.pid, 'SIGKILL');
      }
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function npmStart(options: { detached?: boolean } = {}): Promise<StartedSample> {
    const npm = spawn('npm', ['start'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    });
    let output = '';
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`npm start did not listen within ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const onData = (): void => {
        const listening = /oauthist sample listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (!listening) return;
        clearTimeout(timer);
        resolve(Number(listening[1]));
      };
      npm.stdout?.on('data', onData);
      npm.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code} before listening:\n${output}`));
      });
    });
    const all = processTree(npm.pid as number);
    const find = (what: string, pattern: RegExp): ProcessInfo => {
      const found = all.find((info) => pattern.test(info.command));
      if (!found) {
        throw new Error(`no ${what} below npm start:\n${all.map((p) => p.command).join('\n')}`);
      }
      return found;
    };
    const run: StartedSample = {
      npm,
      port,
      shell: find('the shell of the npm script', /^(\S*\/)?sh -c /),
      wrapper: find('scripts/run-sample.mjs', /^(\S*\/)?node scripts\/run-sample\.mjs main/),
      sample: find('sample', /dist-sample\/sample\/main\.js/),
      redis: all.find((info) => /^redis-server/.test(info.command)),
      all,
      output: () => output,
    };
    started.push(run);
    return run;
  }

  function startedRedis(run: StartedSample): ProcessInfo {
    if (!run.redis) throw new Error(`npm start started no redis-server:\n${run.output()}`);
    return run.redis;
  }

  function cli(...args: string[]): Promise<{ code: number | null; stdout: string }> {
    const child = spawn('npm', ['run', '--silent', 'cli', '--', ...args], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout }));
    });
  }

  async function expectAllEnded(processes: readonly ProcessInfo[], port: number): Promise<void> {
    await waitUntil(
      'every process of the run to end',
      async () => processes.every((info) => !running(info.pid)),
      END_TIMEOUT_MS,
    ).catch((error: Error) => {
      const left = processes.filter((info) => running(info.pid)).map((info) => info.command);
      throw new Error(`${error.message}; still running: ${left.join(' | ')}`);
    });
    expect(await accepts(port)).toBe(false);
  }

  const TARGETS = [
    'npm start',
    'the shell of the npm script',
    'scripts/run-sample.mjs',
    'the sample',
  ] as const;
  type Target = (typeof TARGETS)[number];
  function pidOf(run: StartedSample, target: Target): number {
    switch (target) {
      case 'npm start':
        return run.npm.pid as number;
      case 'the shell of the npm script':
        return run.shell.pid;
      case 'scripts/run-sample.mjs':
        return run.wrapper.pid;
      case 'the sample':
        return run.sample.pid;
    }
  }

  it.each(
    TARGETS.flatMap((target) =>
      (['SIGTERM', 'SIGKILL'] as const)
        // A sample killed outright is the crash case below: its redis-server is left to adopt.
        .filter((signal) => !(target === 'the sample' && signal === 'SIGKILL'))
        .map((signal) => [signal, target] as const),
    ),
  )('%s to %s alone ends every process of the run', async (signal, target) => {
    const run = await npmStart();
    expect(run.redis).toBeDefined();
    process.kill(pidOf(run, target), signal);
    await expectAllEnded(run.all, run.port);
  });

  it('Ctrl-C (SIGINT to the whole process group) ends every process of the run', async () => {
    const run = await npmStart({ detached: true });
    process.kill(-(run.npm.pid as number), 'SIGINT');
    await expectAllEnded(run.all, run.port);
  });

  it('a CLI command while the sample runs leaves the redis-server to the sample', async () => {
    const run = await npmStart();
    const redis = startedRedis(run);
    expect((await cli('client', 'list')).code).toBe(0);
    expect(running(redis.pid)).toBe(true);
    process.kill(run.npm.pid as number, 'SIGTERM');
    await expectAllEnded(run.all, run.port);
  });

  it('of two samples sharing one redis-server, the first to end leaves it to the other, which stops it', async () => {
    const first = await npmStart();
    const redis = startedRedis(first);
    const second = await npmStart();
    expect(second.redis).toBeUndefined();
    process.kill(first.npm.pid as number, 'SIGTERM');
    await expectAllEnded(
      first.all.filter((info) => info.pid !== redis.pid),
      first.port,
    );
    // Still in use by the second: it stays, and the second still serves.
    expect(running(redis.pid)).toBe(true);
    expect((await cli('client', 'list')).code).toBe(0);
    expect(await accepts(second.port)).toBe(true);
    process.kill(second.npm.pid as number, 'SIGTERM');
    await expectAllEnded([...second.all, redis], second.port);
  });

  it('after a crash of the sample, the next CLI command adopts its redis-server and stops it, data kept', async () => {
    const run = await npmStart();
    const redis = startedRedis(run);
    const created = await cli(
      'client',
      'create',
      '--type',
      'web',
      '--redirect-url',
      'https://app.example/cb',
    );
    expect(created.code).toBe(0);
    const { client_id: clientId } = JSON.parse(created.stdout) as { client_id: string };
    process.kill(run.sample.pid, 'SIGKILL');
    await expectAllEnded(
      run.all.filter((info) => info.pid !== redis.pid),
      run.port,
    );
    // Nobody was left to stop it: the next run's job.
    expect(running(redis.pid)).toBe(true);

    const listed = await cli('client', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(clientId);
    await waitUntil('the adopted redis-server to stop', async () => !running(redis.pid), 5000);
  });

  it('after a crash of the sample, the next `npm start` adopts its redis-server and stops it when it ends', async () => {
    const first = await npmStart();
    const left = startedRedis(first);
    process.kill(first.sample.pid, 'SIGKILL');
    await waitUntil('the crashed run to end', async () => !running(first.npm.pid as number));
    expect(running(left.pid)).toBe(true);

    const second = await npmStart();
    // It serves from the redis-server it found rather than start another.
    expect(second.redis).toBeUndefined();
    expect(running(left.pid)).toBe(true);
    process.kill(second.npm.pid as number, 'SIGTERM');
    await expectAllEnded([...second.all, left], second.port);
  });
});
