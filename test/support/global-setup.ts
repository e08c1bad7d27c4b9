import { aptGetInstall } from './prerequisites';
import { redisServerMissing, startRedisServer, ThrowawayRedis } from './redis-server';

declare global {
  var __OAUTHIST_TEST_REDIS__: ThrowawayRedis | undefined;
}

/**
 * Gives every test file a Redis: the one named by REDIS_URL (each file then works under its
 * own random prefix and deletes only its own keys), or a throwaway redis-server started here.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) {
    process.env.OAUTHIST_TEST_REDIS_URL = process.env.REDIS_URL;
    return;
  }
  if (redisServerMissing()) {
    process.stderr.write(
      `\noauthist tests need redis-server on PATH or REDIS_URL set: run  ${aptGetInstall('redis-server')}\n`,
    );
    process.exit(1);
  }
  globalThis.__OAUTHIST_TEST_REDIS__ = await startRedisServer();
  process.env.OAUTHIST_TEST_REDIS_URL = globalThis.__OAUTHIST_TEST_REDIS__.url;
}
