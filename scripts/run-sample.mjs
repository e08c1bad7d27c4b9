// Runs a built entry point of the sample (`main` or `cli`), building it first when the build is
// missing or older than a source file, so that `npm start` and `npm run cli` work right after
// `npm ci` and stay quick afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist-sample/.built';
const [entry, ...args] = process.argv.slice(2);

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const builtAt = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const sourcesAt = Math.max(newest('lib'), newest('sample'), newest('package-lock.json'));
if (sourcesAt > builtAt) {
  // stdout belongs to the command (the CLI prints one JSON value there): the build reports on
  // stderr, and a failed build is not the caller's mistake (exit 1, not 2).
  const build = spawnSync('npm', ['run', '--silent', 'build:sample'], { stdio: ['ignore', 2, 2] });
  if (build.status !== 0) process.exit(1);
}

const child = spawn(process.execPath, [`dist-sample/sample/${entry}.js`, ...args], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
