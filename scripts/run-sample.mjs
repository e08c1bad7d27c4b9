// Runs a built entry point of the sample (`main` or `cli`), building it first when the build is
// missing or older than a source file, so that `npm start` and `npm run cli` work right after
// `npm ci` and stay quick afterwards. The entry point runs in the caller's working directory
// (where the embedded Redis keeps .oauthist-data/); the build is found next to this script.
//
// However the run ends, nothing of it stays behind: a signal to this process is passed on, the
// sample ends when this process is gone (its IPC channel closes), and this process ends the
// sample when whoever started it is gone without a word (npm given SIGTERM or SIGKILL leaves
// this process running otherwise).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'dist-sample/.built');
const [entry, ...args] = process.argv.slice(2);

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const builtAt = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const sourcesAt = Math.max(
  ...['lib', 'sample', 'package-lock.json'].map((path) => newest(join(ROOT, path))),
);
if (sourcesAt > builtAt) {
  // stdout belongs to the command (the CLI prints one JSON value there): the build reports on
  // stderr, and a failed build is not the caller's mistake (exit 1, not 2).
  const build = spawnSync('npm', ['run', '--silent', 'build:sample'], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2],
  });
  if (build.status !== 0) process.exit(1);
}

// The server learns of this process's end through the channel; a CLI command just finishes.
const child = spawn(process.execPath, [join(ROOT, `dist-sample/sample/${entry}.js`), ...args], {
  stdio: entry === 'main' ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** Linux: the parent of `pid` and whether it still runs (a zombie has ended); else undefined. */
function procStat(pid) {
  try {
    // The command name, in parentheses, may hold spaces: the fields that follow come after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { running: state !== 'Z' && state !== 'X', ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

// npm runs a script through `sh -c`, which stays while this process runs: when npm is killed,
// that shell lives on as this process's parent. So under npm the shell's parent is watched too.
const parent = process.ppid;
const shell = process.env.npm_lifecycle_event ? procStat(parent) : undefined;
const starter = shell && shell.ppid > 1 ? shell.ppid : undefined;
function starterGone() {
  if (process.ppid !== parent) return true;
  if (starter === undefined) return false;
  const now = procStat(parent);
  return now === undefined || now.ppid !== starter || procStat(starter)?.running !== true;
}
const watch = setInterval(() => {
  if (!starterGone()) return;
  clearInterval(watch);
  child.kill('SIGTERM');
}, 500);
watch.unref();
