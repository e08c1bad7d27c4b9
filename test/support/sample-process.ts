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
