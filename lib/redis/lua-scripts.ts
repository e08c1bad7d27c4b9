import { LUA_SCRIPTS } from './lua-scripts.generated';

/**
 * Every Lua script oauthist runs, compiled in from lib/redis/scripts/ by `npm run build:lua`
 * (a `--- @include "name"` line pulls in `scripts/includes/name.lua`), so that the build output
 * needs no .lua file. ioredis runs them by EVALSHA of their content, so an upgraded process can
 * never run a stale cached version of a script.
 */
export { LUA_SCRIPTS };

/** The name of one of oauthist's Lua scripts. */
export type LuaScriptName = keyof typeof LUA_SCRIPTS;
