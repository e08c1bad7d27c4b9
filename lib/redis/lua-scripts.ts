import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function read(name: string): string {
  return readFileSync(join(__dirname, 'scripts', `${name}.lua`), 'utf8');
}

/**
 * Every Lua script oauthist runs, read once at start-up. ioredis runs them by EVALSHA of their
 * content, so an upgraded process can never run a stale cached version of a script.
 */
export const LUA_SCRIPTS = {
  saveClient: read('saveClient'),
  deleteClient: read('deleteClient'),
} as const;

/** The name of one of oauthist's Lua scripts. */
export type LuaScriptName = keyof typeof LUA_SCRIPTS;
