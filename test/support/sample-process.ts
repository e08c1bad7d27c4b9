import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The project root, where `npm start` and `npm run cli` run. */
export const ROOT = join(__dirname, '..', '..');

/** How a command of the sample ended, and what it wrote. */
export interface SampleRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From spawn to exit. */
  readonly ms: number;
}

/** `node scripts/run-sample.mjs ENTRY ...`: the script behind `npm start` and `npm run cli`. */
export function spawnSample(
  entry: 'main' | 'cli',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  return spawn(process.execPath, ['scripts/run-sample.mjs', entry, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Builds the sample when its build is stale, as the first `npm start` would, so that a run
 * measured afterwards measures the sample and not the compiler.
 */
export function buildSample(): void {
  const build = spawnSync(process.execPath, ['scripts/run-sample.mjs', 'cli', '--help'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the sample did not build:\n${build.stderr}`);
}

/**
 * Runs a command of the sample to its end, or kills it after `deadlineMs` (then `signal` is
 * `SIGKILL`, and the caller's expectations on `code` fail with what it wrote so far).
 */
export function runSampleUntilExit(
  entry: 'main' | 'cli',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  deadlineMs: number,
): Promise<SampleRun> {
  const started = performance.now();
  const child = spawnSample(entry, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** A sample started the way `npm start` starts it, until `stop()`. */
export interface RunningSample {
  /** The URL it logged it listens on. */
  readonly base: string;
  /** Everything it wrote so far. */
  output(): string;
  /** SIGTERM, then its exit status; SIGKILL and an error if it does not stop in time. */
  stop(): Promise<number | null>;
}

// The first start may build the sample (scripts/run-sample.mjs), which takes a while.
export const SAMPLE_START_TIMEOUT_MS = 60_000;
const SAMPLE_STOP_TIMEOUT_MS = 15_000;

/** Variables of the surrounding shell that would change what the sample serves. */
const SAMPLE_SETTINGS = [
  'REDIS_CLUSTER_NODES',
  'OAUTHIST_ISSUER',
  'OAUTHIST_SCOPES',
  'OAUTHIST_CODE_TTL',
  'OAUTHIST_ACCESS_TOKEN_TTL',
  'OAUTHIST_REFRESH_TOKEN_TTL',
  'OAUTHIST_REFRESH_REUSE_GRACE',
  'OAUTHIST_CIMD_ALLOW_LOOPBACK',
];

/**
 * The environment for a sample a test starts: the shell's, less the settings that would change
 * what the sample serves (a cluster takes precedence over REDIS_URL), plus `settings`.
 */
export function sampleEnvWith(settings: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !SAMPLE_SETTINGS.includes(name)),
  );
  return { ...inherited, ...settings };
}

/** Starts `npm start`'s sample with `env`, once it logs the URL it listens on. */
export async function startSampleServer(env: NodeJS.ProcessEnv): Promise<RunningSample> {
  const child = spawnSample('main', [], env);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`the sample did not start within ${SAMPLE_START_TIMEOUT_MS} ms:\n${output}`),
      );
    }, SAMPLE_START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /oauthist sample listening on (http:\/\/\S+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the sample exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    base,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([
        exit,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), SAMPLE_STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (stopped === 'timeout') {
        child.kill('SIGKILL');
        await exit;
        throw new Error(`the sample did not stop within ${SAMPLE_STOP_TIMEOUT_MS} ms of SIGTERM`);
      }
      return stopped;
    },
  };
}
