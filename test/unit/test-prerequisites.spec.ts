import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { aptGetInstall } from '../support/prerequisites';

const SCRIPT = resolve(__dirname, '../../scripts/test-prerequisites.mjs');
/** "Within seconds": a run that waits on anything (a prompt, a network) would take far longer. */
const QUICK_MS = 5000;
const NOT_ROOT = 1000;

/** A machine of the test's making: PATH is one folder of programs the test wrote. */
interface Machine {
  readonly bin: string;
  readonly chromium: string;
  readonly installer: string;
  readonly log: string;
}

interface Call {
  program: string;
  args: string[];
  frontend?: string | null;
}

type Outcome = number | 'SIGKILL';

let dir: string;
let machine: Machine;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oauthist-prerequisites-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  machine = {
    bin,
    chromium: join(dir, 'chromium'),
    installer: join(dir, 'fake-apt-get'),
    log: join(dir, 'calls.jsonl'),
  };
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeProgram(path: string, source: string, interpreter = process.execPath): void {
  writeFileSync(path, `#!${interpreter}\n${source}\n`, { mode: 0o755 });
}

const REDIS_SERVER = () => join(machine.bin, 'redis-server');
const REDIS_CLI = () => join(machine.bin, 'redis-cli');

/** Puts programs that do nothing where the script looks for them. */
function provide(...paths: string[]): void {
  for (const path of paths) writeProgram(path, 'process.exit(0);');
}

/** The fake apt-get: records each call, fails as told, and installs `creates` on success. */
function writeInstaller(
  outcomes: { update?: Outcome; install?: Outcome },
  creates: string[],
  interpreter?: string,
): void {
  writeProgram(
    machine.installer,
    `const fs = require('node:fs');
const args = process.argv.slice(2);
const call = { program: 'apt-get', args, frontend: process.env.DEBIAN_FRONTEND ?? null };
fs.appendFileSync(${JSON.stringify(machine.log)}, JSON.stringify(call) + '\\n');
const outcome = ${JSON.stringify(outcomes)}[args[0]] ?? 0;
if (outcome === 'SIGKILL') process.kill(process.pid, 'SIGKILL');
if (args[0] === 'install' && outcome === 0) {
  for (const path of ${JSON.stringify(creates)}) fs.writeFileSync(path, '', { mode: 0o755 });
}
process.exit(outcome);`,
    interpreter,
  );
}

function onTestPath(command: string): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const found = dirs.map((folder) => join(folder, command)).find((path) => existsSync(path));
  if (!found) throw new Error(`${command} is not on PATH`);
  return found;
}

/** A fake sudo that records each call and, if it `grants`, runs the command as `sudo -n` would. */
function writeSudo(grants: boolean): void {
  writeProgram(
    join(machine.bin, 'sudo'),
    `const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
require('node:fs').appendFileSync(${JSON.stringify(machine.log)}, JSON.stringify({ program: 'sudo', args }) + '\\n');
if (!${grants} || args[0] !== '-n') process.exit(1);
process.exit(spawnSync(args[1], args.slice(2), { stdio: 'inherit' }).status ?? 1);`,
  );
  // What the script asks sudo to run, found on the test's PATH only.
  symlinkSync(onTestPath('env'), join(machine.bin, 'env'));
}

function calls(): Call[] {
  if (!existsSync(machine.log)) return [];
  const lines = readFileSync(machine.log, 'utf8').trim().split('\n');
  return lines.map((line) => JSON.parse(line) as Call);
}

/** Runs the script as user `uid`, or as whoever runs the test if it is null. */
function runScript(uid: number | string | null, ...args: string[]) {
  const started = Date.now();
  const as = uid === null ? [] : ['--uid', String(uid)];
  const result = spawnSync(
    process.execPath,
    [SCRIPT, '--chromium', machine.chromium, ...as, ...args],
    { env: { PATH: machine.bin }, encoding: 'utf8', timeout: 30_000 },
  );
  return { ...result, ms: Date.now() - started };
}

const CHROMIUM_NEED = () => `Debian's chromium (${machine.chromium}) for the browser test`;

describe('scripts/test-prerequisites.mjs', () => {
  it('exits 0 at once, silent, when redis-server, redis-cli and Chromium are there', () => {
    provide(REDIS_SERVER(), REDIS_CLI(), machine.chromium);
    writeInstaller({}, []);
    const run = runScript(NOT_ROOT, '--apt-get', machine.installer);
    expect([run.status, run.stdout, run.stderr]).toEqual([0, '', '']);
    expect(run.ms).toBeLessThan(QUICK_MS);
    expect(calls()).toEqual([]);
  });

  it('names the apt-get install to run, in one line, when apt-get is not on PATH', () => {
    provide(REDIS_SERVER(), REDIS_CLI());
    const run = runScript(0);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `oauthist tests need ${CHROMIUM_NEED()} (cannot install: apt-get is not on PATH): ` +
        'run  apt-get install chromium\n',
    );
    expect(run.ms).toBeLessThan(QUICK_MS);
  });

  it('names the command the Jest setups name too, for whoever runs the tests', () => {
    provide(REDIS_SERVER(), REDIS_CLI());
    const run = runScript(null);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`: run  ${aptGetInstall('chromium')}\n`);
  });

  it('installs nothing as another user without sudo, and says to run it with sudo', () => {
    writeInstaller({}, []);
    const run = runScript(NOT_ROOT, '--apt-get', machine.installer);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `oauthist tests need redis-server on PATH, redis-cli on PATH and ${CHROMIUM_NEED()} ` +
        '(cannot install: not root, and sudo is not on PATH): ' +
        'run  sudo apt-get install redis-server redis-tools chromium\n',
    );
    expect(run.ms).toBeLessThan(QUICK_MS);
    expect(calls()).toEqual([]);
  });

  it('does not wait for a sudo password: sudo -n refused is the one line', () => {
    provide(REDIS_SERVER(), REDIS_CLI());
    writeInstaller({}, [machine.chromium]);
    writeSudo(false);
    const run = runScript(NOT_ROOT, '--apt-get', machine.installer);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `oauthist tests need ${CHROMIUM_NEED()} (cannot install: not root, and sudo -n was refused): ` +
        'run  sudo apt-get install chromium\n',
    );
    expect(run.ms).toBeLessThan(QUICK_MS);
    const asked = ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', machine.installer, '--version'];
    expect(calls()).toEqual([{ program: 'sudo', args: asked }]);
  });

  it('as root, installs what is missing non-interactively after an update, then passes', () => {
    provide(REDIS_SERVER(), REDIS_CLI());
    writeInstaller({}, [machine.chromium]);
    const run = runScript(0, '--apt-get', machine.installer);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('oauthist tests: installing chromium with apt-get\n');
    expect(calls()).toEqual([
      { program: 'apt-get', args: ['update'], frontend: 'noninteractive' },
      { program: 'apt-get', args: ['install', '-y', 'chromium'], frontend: 'noninteractive' },
    ]);
  });

  it('finds apt-get on PATH and, as another user, runs it through sudo -n', () => {
    writeInstaller({}, [REDIS_SERVER(), REDIS_CLI(), machine.chromium]);
    symlinkSync(machine.installer, join(machine.bin, 'apt-get'));
    writeSudo(true);
    const run = runScript(NOT_ROOT);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const aptGet = join(machine.bin, 'apt-get');
    const asRoot = ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', aptGet];
    const packages = ['redis-server', 'redis-tools', 'chromium'];
    expect(calls()).toEqual([
      { program: 'sudo', args: [...asRoot, '--version'] },
      { program: 'apt-get', args: ['--version'], frontend: 'noninteractive' },
      { program: 'sudo', args: [...asRoot, 'update'] },
      { program: 'apt-get', args: ['update'], frontend: 'noninteractive' },
      { program: 'sudo', args: [...asRoot, 'install', '-y', ...packages] },
      { program: 'apt-get', args: ['install', '-y', ...packages], frontend: 'noninteractive' },
    ]);
  });

  it('goes on to install when the update fails, as lists may remain from before', () => {
    provide(REDIS_SERVER(), REDIS_CLI());
    writeInstaller({ update: 100 }, [machine.chromium]);
    const run = runScript(0, '--apt-get', machine.installer);
    expect(run.status).toBe(0);
    expect(calls().map((call) => call.args[0])).toEqual(['update', 'install']);
  });

  it.each([
    ['exits non-zero', { install: 100 }, undefined, 'exit code 100'],
    ['is killed', { install: 'SIGKILL' }, undefined, 'killed by SIGKILL'],
    ['cannot start', {}, '/nonexistent/interpreter', 'could not start: ENOENT'],
  ] as const)(
    'says what to run, in one line, when apt-get install %s',
    (_, outcomes, interpreter, how) => {
      provide(REDIS_SERVER(), REDIS_CLI());
      writeInstaller(outcomes, [machine.chromium], interpreter);
      const run = runScript(0, '--apt-get', machine.installer);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')).toEqual([
        'oauthist tests: installing chromium with apt-get',
        `oauthist tests need ${CHROMIUM_NEED()} (apt-get install failed, ${how}): ` +
          'run  apt-get install chromium',
        '',
      ]);
      expect(run.ms).toBeLessThan(QUICK_MS);
      expect(existsSync(machine.chromium)).toBe(false);
    },
  );

  it('names what an install that reported success still left missing', () => {
    writeInstaller({}, [REDIS_SERVER()]);
    provide(machine.chromium);
    const run = runScript(0, '--apt-get', machine.installer);
    expect(run.status).toBe(1);
    expect(run.stderr.split('\n').slice(1)).toEqual([
      'oauthist tests need redis-cli on PATH (still missing after apt-get install): ' +
        'run  apt-get install redis-tools',
      '',
    ]);
  });

  it.each([
    [['--uid', 'root'], 'test-prerequisites: --uid takes a number, not "root"'],
    [['--no-such-option'], "test-prerequisites: Unknown option '--no-such-option'"],
  ])('refuses arguments it does not know, in one line: %j', (args, line) => {
    const run = runScript(0, ...args);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toContain(line);
    expect(run.stderr.trimEnd()).not.toContain('\n');
  });
});
