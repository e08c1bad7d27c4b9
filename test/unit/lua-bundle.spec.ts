import { readFileSync } from 'node:fs';
import { LUA_SCRIPTS } from '../../lib/redis/lua-scripts';

interface LuaSources {
  scripts: Record<string, string>;
  includes: Record<string, string>;
}

interface LuaBundler {
  GENERATED_FILE: string;
  bundleLua(sources: LuaSources): string;
  expandScript(
    name: string,
    source: string,
    includes: Record<string, string>,
  ): { lua: string; statuses: { name: string; value: number; note?: string }[] };
  readLuaSources(): LuaSources;
}

// The bundler is plain CommonJS so that it runs before anything is compiled; ts-jest cannot
// load an ES module, and it has no types to import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bundler = require('../../scripts/lua-bundler.cjs') as LuaBundler;

const HEADER = ['-- Demo.', '--', '-- KEYS[1]  a key', '-- Returns  a status'];

function script(...lines: string[]): string {
  return [...HEADER, ...lines].join('\n') + '\n';
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('build:lua', () => {
  it('has been run since the last change to lib/redis/scripts', () => {
    const committed = readFileSync(bundler.GENERATED_FILE, 'utf8');
    // On failure: run `npm run build:lua` and commit lib/redis/lua-scripts.generated.ts.
    expect(committed).toBe(bundler.bundleLua(bundler.readLuaSources()));
  });

  it('compiles in every script, each with all of its includes and no @include left', () => {
    const { scripts, includes } = bundler.readLuaSources();
    expect(Object.keys(LUA_SCRIPTS).sort()).toEqual(Object.keys(scripts).sort());
    for (const [name, lua] of Object.entries(LUA_SCRIPTS)) {
      expect(lua).not.toContain('@include');
      for (const [, include] of scripts[name].matchAll(/^--- @include "(\w+)"$/gm)) {
        // An include's own includes are expanded in its place: the text around them is kept.
        for (const part of includes[include].split(/^--- @include "\w+"\n/m))
          expect(lua).toContain(part.trimEnd());
      }
    }
  });

  it('expands every include of a script, not only the first', () => {
    const includes = { one: 'local function one() end\n', two: 'local function two() end\n' };
    const { lua } = bundler.expandScript(
      'demo',
      script('--- @include "one"', '--- @include "two"', 'return 1'),
      includes,
    );
    expect(lua).toBe(script('local function one() end', 'local function two() end', 'return 1'));
  });

  it('expands includes of includes, and an include reached twice only once', () => {
    const includes = {
      base: 'local function base() end\n',
      left: '--- @include "base"\nlocal function left() return base() end\n',
      right: '--- @include "base"\nlocal function right() return base() end\n',
    };
    const { lua } = bundler.expandScript(
      'demo',
      script('--- @include "left"', '--- @include "right"', 'return left() + right()'),
      includes,
    );
    expect(count(lua, 'local function base()')).toBe(1);
    expect(lua.indexOf('local function base()')).toBeLessThan(lua.indexOf('local function left()'));
    expect(lua).toContain('local function right()');
    expect(lua).not.toContain('@include');
  });

  it('fails on an include it cannot find, naming it', () => {
    expect(() =>
      bundler.bundleLua({
        scripts: { demo: script('--- @include "nope"', 'return 1') },
        includes: {},
      }),
    ).toThrow('demo.lua:5: --- @include "nope": there is no lib/redis/scripts/includes/nope.lua');
  });

  it.each(['-- @include "one"', '--- @include one', '  --- @include "one"'])(
    'fails on an @include line it would leave as a comment: %s',
    (line) => {
      const includes = { one: 'local function one() end\n' };
      expect(() => bundler.expandScript('demo', script(line, 'return 1'), includes)).toThrow(
        /is no include/,
      );
    },
  );

  it('gives the Lua a STATUS table and the module an as-const object, from one declaration', () => {
    const source = script(
      '--- @status done 1',
      '--- @status refused -2  the key is taken',
      '--- @include "one"',
      'if one() then return STATUS.refused end',
      'return STATUS.done',
    );
    const includes = { one: 'local function one() end\n' };
    const { lua } = bundler.expandScript('demo', source, includes);
    // Before the includes and the body, after the header that documents it.
    expect(lua).toContain(
      '--- @status refused -2  the key is taken\nlocal STATUS = {\n  done = 1,\n  refused = -2,\n}\nlocal function one() end\n',
    );
    const module = bundler.bundleLua({ scripts: { someDemo: source }, includes });
    expect(module).toContain(
      'export const SOME_DEMO_STATUS = {\n  done: 1,\n  /** the key is taken */\n  refused: -2,\n} as const;',
    );
    expect(module).toContain('  someDemo: SOME_DEMO_LUA,');
  });

  it.each([
    [
      'a status used but not declared',
      ['--- @status done 1', 'return STATUS.don'],
      /STATUS\.don is not declared/,
    ],
    [
      'a status never returned',
      ['--- @status done 1', '--- @status left 0', 'return STATUS.done'],
      /never used: left/,
    ],
    [
      'a name declared twice',
      ['--- @status done 1', '--- @status done 2', 'return STATUS.done'],
      /repeats done 1/,
    ],
    [
      'a value declared twice',
      ['--- @status done 1', '--- @status also 1', 'return STATUS.done + STATUS.also'],
      /repeats done 1/,
    ],
    ['a status outside the header', ['return 1', '--- @status done 1'], /in the header/],
  ])('fails on %s', (_, lines, message) => {
    expect(() => bundler.expandScript('demo', script(...lines), {})).toThrow(message);
  });

  it('fails on a status declared by an include', () => {
    const includes = { one: '--- @status done 1\nlocal function one() end\n' };
    expect(() =>
      bundler.expandScript('demo', script('--- @include "one"', 'return 1'), includes),
    ).toThrow(/an include declares no @status/);
  });
});
