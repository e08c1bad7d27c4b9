import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main?: string;
  types?: string;
  exports?: Record<string, string | Record<string, string>>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** What `npm run build` emits, computed from tsconfig.build.json so that no build is needed. */
function buildOutputs(): Set<string> {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.build.json could not be read');
  return new Set(config.fileNames.flatMap((file) => ts.getOutputFileNames(config, file, false)));
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('package manifest', () => {
  it('declares every package lib/ imports as a dependency or a peer, so an install of oauthist works', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const missing = new Set<string>();
    for (const file of sources(join(root, 'lib'))) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '([^'.][^']*)'/g)) {
        const name = packageOf(specifier);
        if (!name.startsWith('node:') && !builtinModules.includes(name) && !declared.has(name)) {
          missing.add(`${name} (${file.slice(root.length + 1)})`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });

  describe('exports map', () => {
    const rootExport = manifest.exports?.['.'];
    const conditions = typeof rootExport === 'object' ? rootExport : {};

    it('sends every condition of the entry point to a file the build emits', () => {
      const outputs = buildOutputs();
      expect(conditions).toEqual(
        expect.objectContaining({ types: expect.any(String), default: expect.any(String) }),
      );
      for (const target of Object.values(conditions)) {
        expect([target, outputs.has(resolve(root, target))]).toEqual([target, true]);
      }
      expect(resolve(root, conditions.types)).toMatch(/\.d\.ts$/);
      expect(resolve(root, conditions.require)).toMatch(/\.js$/);
    });

    it('lists types first and default last, the order TypeScript and Node match conditions in', () => {
      const keys = Object.keys(conditions);
      expect([keys[0], keys[keys.length - 1]]).toEqual(['types', 'default']);
    });

    it('agrees with main and types, which resolvers without exports support still read', () => {
      expect(resolve(root, manifest.main ?? '')).toBe(resolve(root, conditions.require));
      expect(resolve(root, manifest.types ?? '')).toBe(resolve(root, conditions.types));
    });

    it('still lets tools read the installed package.json', () => {
      expect(manifest.exports?.['./package.json']).toBe('./package.json');
    });

    it('only points at files that "files" publishes', () => {
      const published = (manifest.files ?? []).map((entry) => resolve(root, entry));
      for (const target of Object.values(conditions)) {
        const path = resolve(root, target);
        const shipped = published.some((entry) => !relative(entry, path).startsWith('..'));
        expect([target, shipped]).toEqual([target, true]);
      }
    });
  });

  it('names each export of lib/index.ts, so the public API changes only by an edit to it', () => {
    const index = join(root, 'lib', 'index.ts');
    const source = ts.createSourceFile(index, readFileSync(index, 'utf8'), ts.ScriptTarget.Latest);
    const wholesale = source.statements
      .filter(ts.isExportDeclaration)
      .filter((node) => !node.exportClause || ts.isNamespaceExport(node.exportClause))
      .map((node) => node.getText(source));
    expect(wholesale).toEqual([]);
  });
});
