// `npm test` runs this before Jest (and .ci/run before anything): the suite needs programs
// besides Node, and Jest alone would discover a missing one file by file, in stack traces.
// What is missing gets installed with apt-get when this process may (root, or `sudo -n`);
// otherwise it stops in one line naming the command to run. Silent when nothing is missing.
// `npm run test:unit` does not run it: the unit tests need none of these.
//
// Its test (test/unit/test-prerequisites.spec.ts) must not uninstall anything, so what it looks
// at can be replaced: --chromium PATH (the browser), --apt-get COMMAND (the installer) and
// --uid N (who runs it); commands are looked up on PATH, which the test sets too.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';

function usage(problem) {
  console.error(`test-prerequisites: ${problem}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      chromium: { type: 'string', default: '/usr/bin/chromium' },
      'apt-get': { type: 'string', default: 'apt-get' },
      uid: { type: 'string', default: String(process.getuid?.() ?? -1) },
    },
  }));
} catch (error) {
  usage(error.message);
}
if (!/^-?\d+$/.test(values.uid)) usage(`--uid takes a number, not ${JSON.stringify(values.uid)}`);
const asRoot = Number(values.uid) === 0;

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Where `command` runs from: itself if it is a path, else the first match on PATH. */
function locate(command) {
  if (command.includes('/')) return executable(command) ? command : undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, command)).find(executable);
}

// redis-server even when REDIS_URL names a Redis: the reliability suites and the cluster run
// start servers of their own, and redis-cli joins the cluster. The browser test drives Debian's
// Chromium at a fixed path (test/e2e/sample-browser.e2e-spec.ts).
const PREREQUISITES = [
  { need: 'redis-server on PATH', present: () => locate('redis-server'), pkg: 'redis-server' },
  { need: 'redis-cli on PATH', present: () => locate('redis-cli'), pkg: 'redis-tools' },
  {
    need: `Debian's chromium (${values.chromium}) for the browser test`,
    present: () => executable(values.chromium),
    pkg: 'chromium',
  },
];

const missing = PREREQUISITES.filter((prerequisite) => !prerequisite.present());
if (missing.length === 0) process.exit(0);

const packagesOf = (prerequisites) => [...new Set(prerequisites.map(({ pkg }) => pkg))];
const packages = packagesOf(missing);

/** The one line: what is missing, why it was not installed, and what to run. */
function fail(reason, lacking = missing) {
  const needs = lacking.map(({ need }) => need);
  const listed =
    needs.length > 1 ? `${needs.slice(0, -1).join(', ')} and ${needs.at(-1)}` : needs[0];
  const run = `${asRoot ? '' : 'sudo '}apt-get install ${packagesOf(lacking).join(' ')}`;
  console.error(`oauthist tests need ${listed} (${reason}): run  ${run}`);
  process.exit(1);
}

const aptGet = locate(values['apt-get']);
if (!aptGet) fail('cannot install: apt-get is not on PATH');
let prefix = [];
if (!asRoot) {
  const sudo = locate('sudo');
  if (!sudo) fail('cannot install: not root, and sudo is not on PATH');
  // -n: a password prompt would hang a test run; sudo resets the environment, hence env.
  prefix = [sudo, '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
  // Asked first with a harmless call of the very command the install makes, so that a sudo
  // allowing other commands only is found out before anything runs.
  const asked = spawnSync(sudo, [...prefix.slice(1), aptGet, '--version'], { stdio: 'ignore' });
  if (asked.status !== 0) fail('cannot install: not root, and sudo -n was refused');
}

function aptGetRun(args) {
  const [command, ...rest] = [...prefix, aptGet, ...args];
  // stdout belongs to the test run's results: apt-get's progress goes to stderr.
  return spawnSync(command, rest, {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

console.error(`oauthist tests: installing ${packages.join(' ')} with apt-get`);
// A failed update (one unreachable mirror) may still leave lists to install from: the install
// decides.
aptGetRun(['update']);
const install = aptGetRun(['install', '-y', ...packages]);
if (install.status !== 0) {
  const how =
    install.status !== null
      ? `exit code ${install.status}`
      : install.signal
        ? `killed by ${install.signal}`
        : `could not start: ${install.error?.code ?? install.error?.message}`;
  fail(`apt-get install failed, ${how}`);
}
const left = missing.filter((prerequisite) => !prerequisite.present());
if (left.length > 0) fail('still missing after apt-get install', left);
