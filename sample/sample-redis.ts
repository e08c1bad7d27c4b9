import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { BoundedCluster } from '../lib';
import { embeddedConnectionName, startEmbeddedRedis } from './embedded-redis';
import type { SampleConfig } from './sample-config';

/** A Redis connection for the sample or the CLI, and how to let go of everything behind it. */
export interface SampleRedis {
  readonly client: Redis | Cluster;
  close(): Promise<void>;
}

/**
 * REDIS_CLUSTER_NODES, else REDIS_URL, else the embedded redis-server under .oauthist-data/.
 * Commands fail after a bounded time instead of queueing forever when Redis is unreachable
 * (a `BoundedCluster` for a cluster: a plain one queues while no node answers), and a Redis
 * that does not answer at start is one clear error.
 */
export async function connectSampleRedis(
  config: SampleConfig,
  cwd = process.cwd(),
): Promise<SampleRedis> {
  const bounded = { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 };
  if (config.redisClusterNodes) {
    const nodes = config.redisClusterNodes;
    const client = new BoundedCluster([...nodes], { redisOptions: bounded });
    const named = nodes.map(({ host, port }) => `${host}:${port}`).join(', ');
    return reachable(client, `REDIS_CLUSTER_NODES ${named}`, async () => undefined);
  }
  if (config.redisUrl) {
    const url = config.redisUrl;
    const client = url.startsWith('/')
      ? new Redis({ path: url, ...bounded })
      : new Redis(url, bounded);
    return reachable(client, 'REDIS_URL', async () => undefined);
  }
  const embedded = await startEmbeddedRedis(join(cwd, '.oauthist-data'));
  return reachable(
    // Named, so that a run about to stop the server sees that this one still uses it.
    new Redis({ path: embedded.socketPath, ...bounded, connectionName: embeddedConnectionName() }),
    'the embedded redis-server',
    embedded.stop,
  );
}

/** The connection once Redis answered; a clear error, with nothing left open, when it does not. */
async function reachable(
  client: Redis | Cluster,
  what: string,
  stop: () => Promise<void>,
): Promise<SampleRedis> {
  // Failures reach the commands that hit them; the event would only repeat them on stderr.
  client.on('error', () => undefined);
  try {
    await client.ping();
  } catch (error) {
    client.disconnect();
    await stop();
    throw new Error(
      `cannot reach Redis (${what}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    client,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
      await stop();
    },
  };
}
