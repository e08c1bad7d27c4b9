// The pure part of `npm run build:lua` (scripts/bundle-lua.mjs): turns oauthist's Lua scripts
// into one TypeScript module. Compiled into the package, the scripts need no .lua file beside
// the build output, and each script's status codes are spelt once, in the script's header.
// CommonJS, so that the unit tests running under ts-jest can require it.
'use strict';

const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const SCRIPTS_DIR = join(ROOT, 'lib', 'redis', 'scripts');
const GENERATED_FILE = join(ROOT, 'lib', 'redis', 'lua-scripts.generated.ts');

const INCLUDE = /^--- @include "(\w+)"$/;
const STATUS = /^--- @status ([A-Za-z_]\w*) (-?\d+)(?:\s+(\S.*))?$/;
const STATUS_USE = /\bSTATUS\.(\w+)/g;
const NAME = /^[A-Za-z]\w*$/;

const where = (file, index) => `lib/redis/scripts/${file}:${index + 1}`;

function lines(source) {
  return source.replace(/\n$/, '').split('\n');
}

/**
 * Replaces each `--- @include "x"` line by includes/x.lua, itself expanded. An include reached
 * a second time (two includes that share one) is left out: Lua would otherwise see its local
 * functions declared twice.
 */
function expandIncludes(file, source, includes, seen, firstLine = 0) {
  return lines(source).flatMap((line, lineIndex) => {
    const index = firstLine + lineIndex;
    const include = INCLUDE.exec(line);
    if (!include) {
      if (line.includes('@include')) {
        throw new Error(
          `${where(file, index)}: "${line.trim()}" is no include; write --- @include "name"`,
        );
      }
      return [line];
    }
    const name = include[1];
    if (!Object.hasOwn(includes, name)) {
      throw new Error(
        `${where(file, index)}: --- @include "${name}": there is no lib/redis/scripts/includes/${name}.lua`,
      );
    }
    if (seen.has(name)) return [];
    seen.add(name);
    const path = `includes/${name}.lua`;
    if (/@status/.test(includes[name])) {
      throw new Error(`lib/redis/scripts/${path}: an include declares no @status, its script does`);
    }
    return expandIncludes(path, includes[name], includes, seen);
  });
}

/**
 * Expands one script: its includes, and its `--- @status name value [note]` header lines as a
 * `local STATUS` table placed right after the header, for the body to return `STATUS.name`.
 * Returns the Lua and the statuses in their order of declaration.
 */
function expandScript(name, source, includes) {
  const file = `${name}.lua`;
  const own = lines(source);
  let headerEnd = own.findIndex((line) => !line.startsWith('--') || INCLUDE.test(line));
  if (headerEnd === -1) headerEnd = own.length;

  const statuses = [];
  own.forEach((line, index) => {
    // The header ends at the first include, so an @include line in it is a malformed one.
    if (index < headerEnd && line.includes('@include')) {
      throw new Error(
        `${where(file, index)}: "${line.trim()}" is no include; write --- @include "name"`,
      );
    }
    if (!line.includes('@status')) return;
    const status = STATUS.exec(line);
    if (!status || index >= headerEnd) {
      throw new Error(
        `${where(file, index)}: write statuses in the header as --- @status name value [note]`,
      );
    }
    const [, key, value, note] = status;
    const clash = statuses.find((s) => s.name === key || s.value === Number(value));
    if (clash) {
      throw new Error(
        `${where(file, index)}: ${key} ${value} repeats ${clash.name} ${clash.value}`,
      );
    }
    if (note && note.includes('*/')) {
      throw new Error(`${where(file, index)}: a status note cannot hold "*/"`);
    }
    statuses.push({ name: key, value: Number(value), note });
  });

  const table =
    statuses.length === 0
      ? []
      : [
          'local STATUS = {',
          ...statuses.map((status) => `  ${status.name} = ${status.value},`),
          '}',
        ];
  const body = expandIncludes(
    file,
    own.slice(headerEnd).join('\n'),
    includes,
    new Set(),
    headerEnd,
  );
  const lua = [...own.slice(0, headerEnd), ...table, ...body].join('\n') + '\n';
  if (lua.includes('@include')) {
    throw new Error(`lib/redis/scripts/${file}: an @include is left after expanding its includes`);
  }

  // A misspelt status would make the script return nil, which Redis replies as a null: caught
  // here rather than by whichever request meets it.
  const declared = new Set(statuses.map((status) => status.name));
  const used = new Set();
  for (const line of [...own.slice(0, headerEnd), ...body]) {
    for (const [, key] of line.matchAll(STATUS_USE)) {
      if (!declared.has(key))
        throw new Error(`lib/redis/scripts/${file}: STATUS.${key} is not declared`);
      if (!line.trimStart().startsWith('--')) used.add(key);
    }
  }
  const unused = [...declared].filter((key) => !used.has(key));
  if (unused.length > 0) {
    throw new Error(`lib/redis/scripts/${file}: declared but never used: ${unused.join(', ')}`);
  }
  return { lua, statuses };
}

function constantName(script) {
  return script.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function templateLiteral(text) {
  return '`' + text.replace(/[\\`]/g, '\\$&').replace(/\$\{/g, '\\${') + '`';
}

/**
 * The TypeScript module for the given sources: `{ scripts: { name: lua }, includes: { name:
 * lua } }`. Pure, so that a test can tell whether the committed module is stale.
 */
function bundleLua({ scripts, includes }) {
  const names = Object.keys(scripts).sort();
  const out = [
    '// Generated by `npm run build:lua` (scripts/bundle-lua.mjs) from lib/redis/scripts/*.lua: edit',
    '// those and run it again. test/unit/lua-bundle.spec.ts fails while this file is stale.',
  ];
  for (const name of names) {
    if (!NAME.test(name))
      throw new Error(`lib/redis/scripts/${name}.lua: name it like an identifier`);
    const { lua, statuses } = expandScript(name, scripts[name], includes);
    const constant = constantName(name);
    if (statuses.length > 0) {
      out.push('', `/** What ${name}.lua returns (its \`STATUS\` table). */`);
      out.push(`export const ${constant}_STATUS = {`);
      for (const status of statuses) {
        if (status.note) out.push(`  /** ${status.note} */`);
        out.push(`  ${status.name}: ${status.value},`);
      }
      out.push('} as const;');
    }
    out.push('', `/** ${name}.lua, its includes expanded. */`);
    out.push(`export const ${constant}_LUA: string = ${templateLiteral(lua)};`);
  }
  out.push('', '/** Every script by name. */', 'export const LUA_SCRIPTS = {');
  for (const name of names) out.push(`  ${name}: ${constantName(name)}_LUA,`);
  out.push('} as const;', '');
  return out.join('\n');
}

function readLuaFiles(dir) {
  const sources = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.lua')) {
      sources[entry.name.slice(0, -'.lua'.length)] = readFileSync(join(dir, entry.name), 'utf8');
    }
  }
  return sources;
}

/** The scripts and includes as they are on disk, for `bundleLua()`. */
function readLuaSources(dir = SCRIPTS_DIR) {
  return { scripts: readLuaFiles(dir), includes: readLuaFiles(join(dir, 'includes')) };
}

module.exports = { GENERATED_FILE, SCRIPTS_DIR, bundleLua, expandScript, readLuaSources };
