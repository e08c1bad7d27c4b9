import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(folder, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

/**
 * The library as `npm pack` makes it (the build runs first, as `prepack`), unpacked into a
 * scratch project beside the packages it depends on, and used from there as an application
 * would: by its name only.
 */
describe('the package as published', () => {
  let scratch: string;
  let unpacked: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'oauthist-package-'));
    const [{ filename }] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { filename: string }[];
    const modules = join(scratch, 'node_modules');
    unpacked = join(modules, 'oauthist');
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', join(scratch, filename), '-C', unpacked, '--strip-components=1']);
    // What an application installs beside oauthist: its dependencies and peers, read from
    // package.json so that a new dependency is covered (a scope's folder links it whole), and
    // the compiler for the type checks.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    const installed = [
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
      'typescript',
      '@types/node',
      // What the README's "Securing an MCP server" installs beside oauthist.
      '@modelcontextprotocol/sdk',
      'zod',
    ].map((name) => name.split('/')[0]);
    for (const dependency of new Set(installed)) {
      symlinkSync(join(ROOT, 'node_modules', dependency), join(modules, dependency));
    }
  }, 180_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('ships the build, the license and the manifest, and no sources or Lua files', () => {
    const files = filesUnder(unpacked);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'package.json', 'dist/index.js']));
    expect(files).toContain('dist/index.d.ts');
    expect(files.filter((file) => /\.lua$|^lib\/|\.spec\./.test(file))).toEqual([]);
    const license = readFileSync(join(unpacked, 'LICENSE'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as {
      license: string;
    };
    expect(license).toMatch(new RegExp(`^${manifest.license} License`));
  });

  it('ships source maps only with their sources inside', () => {
    const maps = filesUnder(unpacked).filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(0);
    const without = maps.filter((file) => {
      const map = JSON.parse(readFileSync(join(unpacked, file), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      return map.sourcesContent?.length !== map.sources.length || map.sourcesContent.includes(null);
    });
    expect(without).toEqual([]);
  });

  it('is required by its name, its exports map closing everything but the public API', () => {
    const script = `
      const oauthist = require('oauthist');
      const names = ['OAuthistModule', 'GrantService', 'TokenService', 'ClientService', 'OAuthGrantType', 'Scopes'];
      const missing = names.filter((name) => typeof oauthist[name] !== 'function');
      let deep = 'open';
      try { require('oauthist/dist/grants/grant.service'); } catch (error) { deep = error.code; }
      console.log(JSON.stringify({ missing, deep, version: require('oauthist/package.json').version }));
    `;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: scratch, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({
      missing: [],
      deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      version: expect.any(String),
    });
  });

  /** Runs tsc over `files` of the scratch project, under strict TypeScript. */
  function typeCheck(files: string[]): { status: number | null; output: string } {
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          skipLibCheck: true,
          types: [],
        },
        files,
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', scratch], {
      cwd: scratch,
      encoding: 'utf8',
    });
    return { status: run.status, output: run.stdout + run.stderr };
  }

  // A README snippet that starts with its imports is a whole file: pasted into a new app it
  // must compile as it stands. The others are fragments that say in a comment what they assume.
  it('type-checks every whole-file snippet of the README in a new strict application', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippets = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)]
      .map((match) => match[1])
      .filter((code) => code.startsWith('import '));
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    const files = snippets.map((code, index) => {
      const file = `readme-snippet-${index + 1}.ts`;
      writeFileSync(join(scratch, file), code);
      return file;
    });
    expect(typeCheck(files)).toEqual({ status: 0, output: '' });
  });

  it('type-checks an application that imports it, under strict TypeScript', () => {
    writeFileSync(
      join(scratch, 'app.ts'),
      `import { Module } from '@nestjs/common';
import { GrantType, OAuthistModule, TokenGrantRequest, TokenService } from 'oauthist';

export class EchoGrant implements GrantType<void> {
  readonly grantType = 'urn:example:echo';
  readonly clientTypes = ['web'] as const;
  readonly parameters = [];
  constructor(private readonly tokens: TokenService) {}
  issue(request: TokenGrantRequest) {
    return this.tokens.issueAccessToken({ clientId: request.client?.id ?? null, scopes: [] });
  }
}

@Module({ imports: [OAuthistModule.forRoot({ redis: 'redis://127.0.0.1:6379' })] })
export class AppModule {}
`,
    );
    expect(typeCheck(['app.ts'])).toEqual({ status: 0, output: '' });
  });
});
