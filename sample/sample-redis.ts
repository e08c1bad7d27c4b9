import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { startEmbeddedRedis } from './embedded-redis';
import type { SampleConfig } from './sample-config';

/** A Redis connection for the sample or the CLI, and how to let go of everything behind it. */
export interface SampleRedis {
  readonly client: Redis | Cluster;
  close(): Promise<void>;
}

/**
 * REDIS_CLUSTER_NODES, else REDIS_URL, else the embedded redis-server under .oauthist-data/.
 * Commands fail after a bounded time instead of queueing forever when Redis is unreachable.
 */
export async function connectSampleRedis(
  config: SampleConfig,
  cwd = process.cwd(),
): Promise<SampleRedis> {
  const bounded = { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 };
  if (config.redisClusterNodes) {
    const client = new Cluster([...config.redisClusterNodes], { redisOptions: bounded });
    return {
      client,
      close: async () => void (await client.quit().catch(() => client.disconnect())),
    };
  }
  if (config.redisUrl) {
    const url = config.redisUrl;
    const client = url.startsWith('/')
      ? new Redis({ path: url, ...bounded })
      : new Redis(url, bounded);
    return {
      client,
      close: async () => void (await client.quit().catch(() => client.disconnect())),
    };
  }
  const embedded = await startEmbeddedRedis(join(cwd, '.oauthist-data'));
  const client = new Redis({ path: embedded.socketPath, ...bounded });
  return {
    client,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
      await embedded.stop();
    },
  };
}
