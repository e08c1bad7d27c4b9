import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const INCLUDE = /^--- @include "(\w+)"$/m;

function read(name: string): string {
  const source = readFileSync(join(__dirname, 'scripts', `${name}.lua`), 'utf8');
  return source.replace(INCLUDE, (_, include: string) => read(join('includes', include)));
}

/**
 * Every Lua script oauthist runs, read once at start-up (a `--- @include "name"` line pulls in
 * `scripts/includes/name.lua`). ioredis runs them by EVALSHA of their content, so an upgraded
 * process can never run a stale cached version of a script.
 */
export const LUA_SCRIPTS = {
  saveClient: read('saveClient'),
  deleteClient: read('deleteClient'),
  issueToken: read('issueToken'),
  exchangeCode: read('exchangeCode'),
  revokeToken: read('revokeToken'),
  revokeGrant: read('revokeGrant'),
  limitAttempts: read('limitAttempts'),
  readClientForAuthentication: read('readClientForAuthentication'),
} as const;

/** The name of one of oauthist's Lua scripts. */
export type LuaScriptName = keyof typeof LUA_SCRIPTS;
