import {
  formatClusterNodes,
  parseClusterNodes,
  redisCliMissing,
  startRedisCluster,
  ThrowawayCluster,
} from './redis-cluster';
import { aptGetInstall } from './prerequisites';
import { redisServerMissing } from './redis-server';

declare global {
  var __OAUTHIST_TEST_CLUSTER__: ThrowawayCluster | undefined;
}

/**
 * Gives the cluster project's test files a Redis Cluster: the one named by REDIS_CLUSTER_NODES
 * (`host:port,...`; each file works under its own random prefix and deletes only its own
 * keys), or three throwaway cluster-mode redis-servers started and joined here.
 */
export default async function globalSetupCluster(): Promise<void> {
  const given = process.env.REDIS_CLUSTER_NODES;
  if (given) {
    const nodes = parseClusterNodes(given, 'REDIS_CLUSTER_NODES');
    if (nodes.length === 0) throw new Error('REDIS_CLUSTER_NODES names no node');
    process.env.OAUTHIST_TEST_CLUSTER_NODES = formatClusterNodes(nodes);
    return;
  }
  if (redisServerMissing() || (await redisCliMissing())) {
    process.stderr.write(
      '\noauthist tests need redis-server and redis-cli on PATH for the cluster run, or ' +
        `REDIS_CLUSTER_NODES=host:port,... set: run  ${aptGetInstall('redis-server', 'redis-tools')}\n`,
    );
    process.exit(1);
  }
  globalThis.__OAUTHIST_TEST_CLUSTER__ = await startRedisCluster();
  process.env.OAUTHIST_TEST_CLUSTER_NODES = formatClusterNodes(
    globalThis.__OAUTHIST_TEST_CLUSTER__.nodes,
  );
}
