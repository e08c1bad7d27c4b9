import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const LIB = resolve(__dirname, '../../lib');

/** Every TypeScript source file under `lib/`. */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The first-level folder of a file under `lib/`; `(root)` for the top files. */
function folderOf(file: string): string {
  const parts = relative(LIB, file).split('/');
  return parts.length > 1 ? parts[0] : '(root)';
}

/** Folder → folders it imports from, with one import that shows each arrow. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sources(LIB)) {
    const text = readFileSync(file, 'utf8');
    for (const [, target] of text.matchAll(/(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]/g)) {
      const from = folderOf(file);
      const to = folderOf(join(resolve(dirname(file), target), 'x'));
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      graph.get(from)?.set(to, `${relative(LIB, file)} -> ${target}`);
    }
  }
  return graph;
}

/** A path of arrows from `start` back to itself, if there is one. */
function cycleFrom(graph: Map<string, Map<string, string>>, start: string): string[] | null {
  const seen = new Set<string>();
  const walk = (node: string, path: string[]): string[] | null => {
    for (const [next, why] of graph.get(node) ?? []) {
      if (next === start) return [...path, why];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...path, why]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, []);
}

describe('the folders of lib/ form layers', () => {
  const graph = folderGraph();

  it('no folder imports, directly or not, from a folder that imports it', () => {
    const cycles = [...graph.keys()].map((folder) => cycleFrom(graph, folder)).filter(Boolean);
    expect(cycles).toEqual([]);
  });

  it.each(['grants', 'clients', 'tokens', 'throttling', 'controllers'])(
    'the store (redis/) imports nothing from %s/',
    (folder) => {
      expect(graph.get('redis')?.get(folder)).toBeUndefined();
    },
  );

  it('the caches (cache/) know nothing of Redis nor of the protocol: options only', () => {
    expect([...(graph.get('cache')?.keys() ?? [])]).toEqual(['options']);
  });

  it('the framework glue (http/) imports nothing of oauthist', () => {
    expect([...(graph.get('http')?.values() ?? [])]).toEqual([]);
  });

  it('nothing but the top files imports from the top files', () => {
    const intoRoot = [...graph.entries()]
      .filter(([from, targets]) => from !== '(root)' && targets.has('(root)'))
      .map(([, targets]) => targets.get('(root)'));
    expect(intoRoot).toEqual([]);
  });
});
