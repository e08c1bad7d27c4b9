import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { Cluster, Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { ClientService, OAuthistModule } from '../../lib';
import { RedisConnection } from '../../lib/redis/redis-connection';
import {
  MIN_REDIS_VERSION,
  redisVersionOfInfo,
  UnsupportedRedisVersionError,
} from '../../lib/redis/redis-server-version';
import {
  connectTestRedis,
  deleteKeys,
  masterConnections,
  testClusterNodes,
  testPrefix,
  testRedisUrl,
  testTopology,
} from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';

/**
 * An application's own ioredis instance for the test Redis (a `Cluster` on the cluster), with
 * `extra` options on every connection it opens.
 */
function applicationRedis(extra: RedisOptions): TestRedis {
  const options: RedisOptions = { maxRetriesPerRequest: 1, ...extra };
  return testTopology() === 'cluster'
    ? new Cluster(testClusterNodes(), { redisOptions: options })
    : new Redis(testRedisUrl(), options);
}

function addressOf(node: Redis): string {
  return `${node.stream.remoteAddress}:${node.stream.remotePort}`;
}

describe('the Redis version check at start-up', () => {
  let redis: TestRedis;
  let masters: Redis[];
  /** Each master's address (as a socket sees it) and the version its own INFO names. */
  let expected: { address: string; version: string }[];
  const prefixes: string[] = [];

  beforeAll(async () => {
    redis = connectTestRedis();
    masters = await masterConnections(redis);
    expected = await Promise.all(
      masters.map(async (node) => {
        const version = redisVersionOfInfo(await node.info('server'));
        if (version === null) throw new Error('the test Redis names no redis_version');
        return { address: addressOf(node), version };
      }),
    );
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  async function startModule(application: TestRedis) {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const module = await Test.createTestingModule({
      imports: [OAuthistModule.forRoot({ redis: application, prefix })],
    }).compile();
    await module.init();
    return module;
  }

  it('the test Redis is at or above the floor, so start-up must pass on it', () => {
    for (const { version } of expected) {
      const [major, minor] = version.split('.').map(Number);
      expect(major * 100 + minor).toBeGreaterThanOrEqual(602);
    }
  });

  it('reads INFO server from every master while the module starts, and the module starts', async () => {
    const connectionName = `oauthist-version-${randomUUID()}`;
    // MONITOR shows every command a server runs, with the address of the client that sent it.
    const monitors = await Promise.all(masters.map((node) => node.monitor()));
    const seen = masters.map(() => [] as { source: string; args: string[] }[]);
    monitors.forEach((monitor, i) =>
      monitor.on('monitor', (_time: string, args: string[], source: string) =>
        seen[i].push({ source, args }),
      ),
    );
    const application = applicationRedis({ connectionName });
    try {
      const module = await startModule(application);
      try {
        // Start-up is over: what it left working is usable.
        const client = await module
          .get(ClientService)
          .create({ clientType: 'web', redirectUrls: ['https://c.example/cb'] });
        expect((await module.get(ClientService).get(client.id))?.id).toBe(client.id);
        await Promise.all(masters.map((node) => node.ping()));

        for (const [i, node] of masters.entries()) {
          const clients = (await node.client('LIST')) as string;
          const ours = clients
            .split('\n')
            .filter((line) => line.includes(` name=${connectionName} `))
            .map((line) => /\baddr=(\S+)/.exec(line)?.[1]);
          expect(ours.length).toBeGreaterThan(0);
          const infoServer = seen[i].filter(
            ({ source, args }) =>
              ours.includes(source) &&
              args.length === 2 &&
              args[0].toLowerCase() === 'info' &&
              args[1].toLowerCase() === 'server',
          );
          // Once per master, at start-up: a request that follows pays nothing for it.
          expect(infoServer).toHaveLength(1);
        }
      } finally {
        await module.close();
      }
    } finally {
      application.disconnect();
      for (const monitor of monitors) monitor.disconnect();
    }
  });

  it('reports the version and address of every master, as the servers name them', async () => {
    const application = applicationRedis({});
    try {
      const module = await startModule(application);
      try {
        const read = await module.get(RedisConnection).checkServerVersion();
        const sort = <T extends { address: string }>(list: T[]) =>
          [...list].sort((a, b) => a.address.localeCompare(b.address));
        expect(sort(read)).toEqual(sort(expected));
      } finally {
        await module.close();
      }
    } finally {
      application.disconnect();
    }
  });

  it('refuses, in one line naming the real version and address, a server below a higher floor', async () => {
    const module = await startModule(applicationRedis({}));
    const connection = module.get(RedisConnection);
    try {
      const refusal = await connection.checkServerVersion('99.0.0').then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(UnsupportedRedisVersionError);
      const { version, address, message } = refusal as UnsupportedRedisVersionError;
      expect(expected).toContainEqual({ address, version });
      expect(message).toBe(
        `oauthist: Redis ${version} at ${address} is older than 99.0.0, the oldest version oauthist runs on`,
      );
      expect(await connection.checkServerVersion(MIN_REDIS_VERSION)).toHaveLength(masters.length);
    } finally {
      await module.close();
      connection.client.disconnect();
    }
  });

  it('lets a server that refuses INFO to its user start, without a version', async () => {
    const user = `oauthist-noinfo-${randomUUID()}`;
    const password = randomUUID();
    // Every command but INFO, as an ACL that withholds @dangerous does; on each master, as
    // ACL users are per server.
    await Promise.all(
      masters.map((node) =>
        node.acl('SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all', '-info'),
      ),
    );
    const application = applicationRedis({
      username: user,
      password,
      enableReadyCheck: false,
    });
    try {
      const module = await startModule(application);
      try {
        const read = await module.get(RedisConnection).checkServerVersion();
        expect(read.map(({ version }) => version)).toEqual(masters.map(() => null));
        const client = await module
          .get(ClientService)
          .create({ clientType: 'web', redirectUrls: ['https://c.example/cb'] });
        expect(client.id).toBeTruthy();
      } finally {
        await module.close();
      }
    } finally {
      application.disconnect();
      await Promise.all(masters.map((node) => node.acl('DELUSER', user)));
    }
  });
});
