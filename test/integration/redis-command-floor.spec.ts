import {
  compareRedisVersions,
  MIN_REDIS_VERSION,
  parseRedisVersion,
} from '../../lib/redis/redis-server-version';
import { CommandUse, redisUsage, RedisUsage } from '../support/redis-commands-used';
import { connectTestRedis } from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';

/** One command's or argument's entry of COMMAND DOCS, its flat key-value list made a map. */
interface Doc {
  readonly since?: string;
  readonly token?: string;
  readonly history: [string, string][];
  readonly arguments: Doc[];
  readonly subcommands: Map<string, Doc>;
}

function toDoc(reply: unknown): Doc {
  const fields = new Map<string, unknown>();
  const flat = reply as unknown[];
  for (let i = 0; i < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
  const subcommands = new Map<string, Doc>();
  const sub = (fields.get('subcommands') ?? []) as unknown[];
  for (let i = 0; i < sub.length; i += 2)
    subcommands.set(String(sub[i]).toUpperCase(), toDoc(sub[i + 1]));
  return {
    since: fields.get('since') as string | undefined,
    token: fields.get('token') as string | undefined,
    history: (fields.get('history') ?? []) as [string, string][],
    arguments: ((fields.get('arguments') ?? []) as unknown[]).map(toDoc),
    subcommands,
  };
}

const FLOOR = parseRedisVersion(MIN_REDIS_VERSION) ?? [NaN, NaN, NaN];

function newerThanFloor(since: string): boolean {
  const version = parseRedisVersion(since);
  if (!version) throw new Error(`COMMAND DOCS names an unreadable version: ${since}`);
  return compareRedisVersions(version, FLOOR) > 0;
}

/** The argument of `doc` (at any depth) whose token is `literal`, with the version it came in. */
function findToken(doc: Doc, literal: string, since: string): string | undefined {
  for (const argument of doc.arguments) {
    const argumentSince = argument.since ?? since;
    if (argument.token?.toUpperCase() === literal.toUpperCase()) return argumentSince;
    const nested = findToken(argument, literal, argumentSince);
    if (nested) return nested;
  }
  return undefined;
}

/** Commands ioredis itself sends on a connection oauthist opens or is given. */
const IOREDIS_OWN = ['INFO', 'CLUSTER|SLOTS', 'CLIENT|SETNAME', 'SELECT', 'AUTH', 'READONLY'];

/**
 * Changes a command went through after the floor, which oauthist does not depend on: each one
 * is read here by hand. A command oauthist starts to use with such a change fails below until
 * the change is added here, with why it does not matter (or the floor is raised).
 */
const REVIEWED_CHANGES: Readonly<Record<string, string>> = {
  // The test below asserts that no SET combines them.
  'SET 7.0.0 Allowed the NX and GET options to be used together.': 'not combined',
  // Options, each found as a token with its own `since` by the option test.
  'EXPIRE 7.0.0 Added options: NX, XX, GT and LT.': 'options are checked one by one',
  'PEXPIRE 7.0.0 Added options: NX, XX, GT and LT.': 'options are checked one by one',
  'EXPIREAT 7.0.0 Added options: NX, XX, GT and LT.': 'options are checked one by one',
  // oauthist asks for one section.
  'INFO 7.0.0 Added support for taking multiple section arguments.': 'one section',
  // ioredis reads the fields it knows of the older reply.
  'CLUSTER|SLOTS 7.0.0 Added additional networking metadata field.': 'older reply suffices',
};

/**
 * The Lua API beyond redis.call and redis.pcall, with the version that brought each (Redis'
 * documentation of EVAL); anything else a script uses fails the test until it is added here.
 */
const LUA_API: Readonly<Record<string, string>> = {
  'redis.error_reply': '2.6.0',
  'redis.status_reply': '2.6.0',
  'redis.sha1hex': '2.6.0',
  'redis.log': '2.6.0',
  'redis.LOG_DEBUG': '2.6.0',
  'redis.LOG_VERBOSE': '2.6.0',
  'redis.LOG_NOTICE': '2.6.0',
  'redis.LOG_WARNING': '2.6.0',
  'redis.replicate_commands': '3.2.0',
  'redis.set_repl': '3.2.0',
  'redis.REPL_ALL': '3.2.0',
  'redis.REPL_AOF': '3.2.0',
  'redis.REPL_REPLICA': '3.2.0',
  'redis.REPL_SLAVE': '3.2.0',
  'redis.REPL_NONE': '3.2.0',
  'redis.breakpoint': '3.2.0',
  'redis.debug': '3.2.0',
  'redis.setresp': '6.0.0',
  'redis.REDIS_VERSION': '7.0.0',
  'redis.REDIS_VERSION_NUM': '7.0.0',
  'redis.acl_check_cmd': '7.0.0',
  'redis.register_function': '7.0.0',
};

describe(`the Redis commands oauthist sends exist in Redis ${MIN_REDIS_VERSION}`, () => {
  let redis: TestRedis;
  let usage: RedisUsage;
  let uses: CommandUse[];
  const docs = new Map<string, Doc>();

  /** The doc of `COMMAND` or `CONTAINER|SUB`, or undefined when the server has none. */
  function docOf(command: string): Doc | undefined {
    const [top, sub] = command.split('|');
    const doc = docs.get(top);
    return sub === undefined ? doc : doc?.subcommands.get(`${top}|${sub}`);
  }

  beforeAll(async () => {
    usage = redisUsage();
    const own = IOREDIS_OWN.map((command) => ({ command, literals: [], where: 'ioredis' }));
    // A container's subcommand is its first argument (`CLIENT LIST`).
    uses = [...usage.commands, ...own];
    redis = connectTestRedis();
    for (const top of new Set(uses.map(({ command }) => command.split('|')[0]))) {
      const reply = (await redis.call('COMMAND', 'DOCS', top)) as unknown[];
      if (reply.length === 2) docs.set(top, toDoc(reply[1]));
    }
    uses = uses.map((use) => {
      const doc = docs.get(use.command);
      if (!doc || doc.subcommands.size === 0 || use.command.includes('|')) return use;
      const [sub, ...literals] = use.literals;
      return { ...use, command: `${use.command}|${String(sub).toUpperCase()}`, literals };
    });
  });

  afterAll(() => redis.disconnect());

  it('reads every use of Redis in the source, leaving nothing it cannot tell', () => {
    expect(usage.unrecognized).toEqual([]);
    // What the extraction must see, or it is blind: verification's HMGET, the Lua scripts,
    // the SCAN on each master, MULTI, and the version check itself.
    const found = new Set(usage.commands.map(({ command }) => command));
    for (const command of ['HMGET', 'GETDEL', 'SET', 'MULTI', 'SCAN', 'INFO', 'EVALSHA']) {
      expect(found).toContain(command);
    }
    for (const command of ['HRANDFIELD', 'ZREMRANGEBYSCORE', 'HSCAN', 'TIME']) {
      expect(found).toContain(command);
    }
  });

  it(`sends only commands that Redis ${MIN_REDIS_VERSION} has`, () => {
    const problems = uses.flatMap(({ command, where }) => {
      const doc = docOf(command);
      if (!doc) return [`${command} (${where}): the server does not know it`];
      if (!doc.since) return [`${command} (${where}): COMMAND DOCS names no since`];
      return newerThanFloor(doc.since) ? [`${command} (${where}): since ${doc.since}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it(`passes only options that Redis ${MIN_REDIS_VERSION} has`, () => {
    // An upper-case literal is an option (NX, MATCH, WITHSCORES); field names are lower case.
    const problems = uses.flatMap(({ command, literals, where }) => {
      const doc = docOf(command);
      if (!doc) return [];
      return literals
        .filter((literal) => /^[A-Z][A-Z0-9_-]*$/.test(literal))
        .flatMap((literal) => {
          const since = findToken(doc, literal, doc.since ?? '0.0.0');
          if (since === undefined) return [`${command} ${literal} (${where}): not an option`];
          return newerThanFloor(since) ? [`${command} ${literal} (${where}): since ${since}`] : [];
        });
    });
    expect(problems).toEqual([]);
  });

  it('never combines SET NX with GET, which only Redis 7.0 accepts', () => {
    const sets = uses.filter(({ command }) => command === 'SET');
    expect(sets.length).toBeGreaterThan(0);
    for (const { literals, where } of sets) {
      const options = literals.map((literal) => literal.toUpperCase());
      expect({ where, both: options.includes('NX') && options.includes('GET') }).toEqual({
        where,
        both: false,
      });
    }
  });

  it(`uses no command in a way changed after ${MIN_REDIS_VERSION} that was not reviewed`, () => {
    const changes = new Set<string>();
    for (const { command } of uses) {
      for (const [version, change] of docOf(command)?.history ?? []) {
        if (newerThanFloor(version))
          changes.add(`${command} ${version} ${change.replace(/`/g, '')}`);
      }
    }
    expect([...changes].filter((change) => !(change in REVIEWED_CHANGES))).toEqual([]);
  });

  it(`uses only Lua API that Redis ${MIN_REDIS_VERSION} has`, () => {
    const problems = usage.luaApi.flatMap(({ name, where }) => {
      const since = LUA_API[name];
      if (since === undefined) return [`${name} (${where}): not a known part of the Lua API`];
      return newerThanFloor(since) ? [`${name} (${where}): since ${since}`] : [];
    });
    expect(problems).toEqual([]);
  });
});
