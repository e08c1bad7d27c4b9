import {
  checkRedisVersion,
  compareRedisVersions,
  MIN_REDIS_VERSION,
  parseRedisVersion,
  redisVersionOfInfo,
  UnsupportedRedisVersionError,
} from '../../lib/redis/redis-server-version';

/** The head of a real `INFO server` reply, with CRLF line ends as Redis sends them. */
function infoServer(version: string): string {
  return [
    '# Server',
    `redis_version:${version}`,
    'redis_git_sha1:00000000',
    'redis_mode:standalone',
    'os:Linux 6.1.0 x86_64',
    'tcp_port:6379',
    '',
  ].join('\r\n');
}

describe('the Redis version floor', () => {
  it('is 6.2.0', () => {
    expect(MIN_REDIS_VERSION).toBe('6.2.0');
  });

  it('parses major.minor.patch, a missing patch as 0, and nothing else', () => {
    expect(parseRedisVersion('6.2.14')).toEqual([6, 2, 14]);
    expect(parseRedisVersion('7.0.15')).toEqual([7, 0, 15]);
    expect(parseRedisVersion('10.12')).toEqual([10, 12, 0]);
    expect(parseRedisVersion(' 6.2.0\r')).toEqual([6, 2, 0]);
    for (const text of ['', '6', '6.2.0.1', '6.2-rc1', 'v6.2.0', '6.x.0', 'unknown'])
      expect(parseRedisVersion(text)).toBeNull();
  });

  it('compares numerically, not as text', () => {
    const v = (text: string) => parseRedisVersion(text) ?? [NaN, NaN, NaN];
    expect(compareRedisVersions(v('6.2.0'), v('6.2.0'))).toBe(0);
    expect(compareRedisVersions(v('6.10.0'), v('6.2.0'))).toBeGreaterThan(0);
    expect(compareRedisVersions(v('6.1.99'), v('6.2.0'))).toBeLessThan(0);
    expect(compareRedisVersions(v('10.0.0'), v('9.9.9'))).toBeGreaterThan(0);
    expect(compareRedisVersions(v('6.2.0'), v('6.2.1'))).toBeLessThan(0);
    expect(compareRedisVersions(v('7.0.0'), v('6.2.14'))).toBeGreaterThan(0);
  });

  it('reads redis_version from an INFO reply, and nothing from a reply without one', () => {
    expect(redisVersionOfInfo(infoServer('7.0.15'))).toBe('7.0.15');
    expect(redisVersionOfInfo('# Server\r\nredis_git_sha1:0\r\n')).toBeNull();
  });

  it('refuses an older server with exactly one line naming version, address and floor', () => {
    let thrown: unknown;
    try {
      checkRedisVersion(infoServer('6.0.9'), '10.0.0.5:6379');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnsupportedRedisVersionError);
    expect((thrown as Error).message).toBe(
      'oauthist: Redis 6.0.9 at 10.0.0.5:6379 is older than 6.2.0, the oldest version oauthist runs on',
    );
    expect((thrown as Error).message).not.toContain('\n');
  });

  it('refuses every version below the floor and passes the floor and above', () => {
    for (const version of ['2.8.24', '5.0.14', '6.0.20', '6.1.99'])
      expect(() => checkRedisVersion(infoServer(version), 'h:1')).toThrow(
        UnsupportedRedisVersionError,
      );
    for (const version of ['6.2.0', '6.2.14', '7.0.15', '7.2.4', '10.0.0'])
      expect(checkRedisVersion(infoServer(version), 'h:1')).toBe(version);
  });

  it('lets through a server whose INFO names no version it can read', () => {
    expect(checkRedisVersion('# Server\r\nredis_mode:standalone\r\n', 'h:1')).toBeNull();
    expect(checkRedisVersion(infoServer('unstable'), 'h:1')).toBeNull();
  });

  it('compares against the floor it is given', () => {
    expect(() => checkRedisVersion(infoServer('7.0.15'), 'h:1', '7.2.0')).toThrow(
      'oauthist: Redis 7.0.15 at h:1 is older than 7.2.0, the oldest version oauthist runs on',
    );
    expect(() => checkRedisVersion(infoServer('7.0.15'), 'h:1', 'seven')).toThrow(
      'not a Redis version',
    );
  });
});
