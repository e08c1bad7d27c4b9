import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis URL the global setup chose for this run. */
export function testRedisUrl(): string {
  const url = process.env.OAUTHIST_TEST_REDIS_URL;
  if (!url)
    throw new Error('OAUTHIST_TEST_REDIS_URL is unset: run the tests through jest (npm test)');
  return url;
}

/** A key prefix of this test's own, so that it never reads or deletes another's data. */
export function testPrefix(): string {
  return `oauthist-test:${randomUUID()}`;
}

/** A new connection to the test Redis; the caller closes it. */
export function connectTestRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
}

/** Every key under `prefix` with its content, read for assertions (SCAN is fine in tests). */
export async function dumpKeys(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
    for (const key of batch as string[]) {
      const type = await redis.type(key);
      let content: unknown;
      if (type === 'string') content = await redis.get(key);
      else if (type === 'hash') content = await redis.hgetall(key);
      else if (type === 'set') content = await redis.smembers(key);
      else if (type === 'zset') content = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'list') content = await redis.lrange(key, 0, -1);
      dump.set(key, JSON.stringify(content));
    }
  }
  return dump;
}

/** Deletes every key under `prefix`, one by one so that it also works on a cluster. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
    for (const key of batch as string[]) await redis.del(key);
  }
}
