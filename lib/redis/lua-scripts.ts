// Every Lua script oauthist runs (LUA_SCRIPTS) and the statuses each returns (e.g.
// EXCHANGE_CODE_STATUS), compiled in from lib/redis/scripts/ by `npm run build:lua` so that the
// build output needs no .lua file. ioredis runs the scripts by EVALSHA of their content, so an
// upgraded process can never run a stale cached version of a script.
import type { LUA_SCRIPTS } from './lua-scripts.generated';

export * from './lua-scripts.generated';

/** The name of one of oauthist's Lua scripts. */
export type LuaScriptName = keyof typeof LUA_SCRIPTS;
