import { Cluster, Redis } from 'ioredis';
import { OAuthistConfigurationError, OAuthistModuleOptions } from '../../lib';
import { resolveOptions } from '../../lib/options/resolve-options';

function failure(redis: unknown): OAuthistConfigurationError {
  try {
    resolveOptions({ redis } as OAuthistModuleOptions);
  } catch (error) {
    return error as OAuthistConfigurationError;
  }
  throw new Error('options were accepted');
}

describe('the redis option', () => {
  const nodes = [
    { host: '10.0.0.1', port: 7000 },
    { host: 'redis-2.internal', port: 7001 },
  ];

  it('accepts cluster nodes, with or without ClusterOptions, as given', () => {
    const cluster = { clusterNodes: nodes };
    expect(resolveOptions({ redis: cluster }).redis).toBe(cluster);
    const tuned = { clusterNodes: nodes, clusterOptions: { scaleReads: 'master' as const } };
    expect(resolveOptions({ redis: tuned }).redis).toBe(tuned);
  });

  it('accepts ioredis instances, RedisOptions and URLs as before', () => {
    const redis = new Redis({ lazyConnect: true });
    const cluster = new Cluster(nodes, { lazyConnect: true });
    try {
      expect(resolveOptions({ redis }).redis).toBe(redis);
      expect(resolveOptions({ redis: cluster }).redis).toBe(cluster);
    } finally {
      redis.disconnect();
      cluster.disconnect();
    }
    expect(resolveOptions({ redis: { host: 'h', port: 1 } }).redis).toEqual({ host: 'h', port: 1 });
    expect(resolveOptions({ redis: 'rediss://h:6380' }).redis).toBe('rediss://h:6380');
  });

  it.each([
    [{ clusterNodes: [] }, 'redis.clusterNodes', /non-empty array/],
    [{ clusterNodes: 'h:7000' }, 'redis.clusterNodes', /non-empty array/],
    [{ clusterNodes: [{ host: 'h' }] }, 'redis.clusterNodes', /entry 0/],
    [{ clusterNodes: [{ host: '', port: 7000 }] }, 'redis.clusterNodes', /entry 0/],
    [{ clusterNodes: [{ host: 'h', port: '7000' }] }, 'redis.clusterNodes', /entry 0/],
    [
      {
        clusterNodes: [
          { host: 'h', port: 7000 },
          { host: 'h', port: 0 },
        ],
      },
      'redis.clusterNodes',
      /entry 1/,
    ],
    [{ clusterNodes: [{ host: 'h', port: 65536 }] }, 'redis.clusterNodes', /entry 0/],
    [{ clusterNodes: ['h:7000'] }, 'redis.clusterNodes', /entry 0/],
    [{ clusterNodes: nodes, clusterOptions: 'x' }, 'redis.clusterOptions', /ClusterOptions/],
    [{ clusterNodes: nodes, clusterOptions: null }, 'redis.clusterOptions', /ClusterOptions/],
    [{ clusterNodes: nodes, clusterOption: {} }, 'redis.clusterOption', /unknown key/],
  ])('refuses %j naming %s', (redis, option, problem) => {
    const error = failure(redis);
    expect(error).toBeInstanceOf(OAuthistConfigurationError);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toMatch(problem);
  });
});
