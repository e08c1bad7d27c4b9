/**
 * The oldest Redis oauthist runs on. HRANDFIELD, GETDEL and SET's GET option need 6.2;
 * test/integration/redis-command-floor.spec.ts asks the server which version introduced every
 * command oauthist sends, and fails when one is newer than this.
 */
export const MIN_REDIS_VERSION = '6.2.0';

/** A server version as major, minor, patch. */
export type RedisVersion = readonly [major: number, minor: number, patch: number];

const VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/** `'6.2.14'` as `[6, 2, 14]` (a missing patch is 0); `null` for anything else. */
export function parseRedisVersion(text: string): RedisVersion | null {
  const match = VERSION.exec(text.trim());
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** Negative when `a` is older than `b`, 0 when they are the same version, positive when newer. */
export function compareRedisVersions(a: RedisVersion, b: RedisVersion): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The `redis_version` field of an INFO reply, or `null` when the reply has none. */
export function redisVersionOfInfo(info: string): string | null {
  const line = /^redis_version:(.*)$/m.exec(info);
  return line ? line[1].trim() : null;
}

/** Start-up refused on a server older than the floor: its message is the whole report. */
export class UnsupportedRedisVersionError extends Error {
  constructor(
    readonly version: string,
    readonly address: string,
    readonly minimum: string = MIN_REDIS_VERSION,
  ) {
    super(
      `oauthist: Redis ${version} at ${address} is older than ${minimum}, the oldest version oauthist runs on`,
    );
    this.name = 'UnsupportedRedisVersionError';
  }
}

/**
 * Throws `UnsupportedRedisVersionError` when the INFO reply of the server at `address` names a
 * version older than `minimum`. Returns the version it read, or `null` when the reply names
 * none oauthist can read (a Redis-compatible server may say something else): such a server is
 * let through rather than refused on a guess.
 */
export function checkRedisVersion(
  info: string,
  address: string,
  minimum: string = MIN_REDIS_VERSION,
): string | null {
  const floor = parseRedisVersion(minimum);
  if (!floor) throw new Error(`oauthist: not a Redis version: ${minimum}`);
  const version = redisVersionOfInfo(info);
  const parsed = version === null ? null : parseRedisVersion(version);
  if (version === null || parsed === null) return null;
  if (compareRedisVersions(parsed, floor) < 0)
    throw new UnsupportedRedisVersionError(version, address, minimum);
  return version;
}
