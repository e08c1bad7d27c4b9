import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Cluster, Redis } from 'ioredis';
import {
  ClientService,
  OAuthistConfigurationError,
  OAuthistModule,
  OAuthistModuleOptions,
} from '../../lib';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { sleep } from '../support/grants';
import {
  connectTestRedis,
  deleteKeys,
  testClusterNodes,
  testPrefix,
  testRedisOption,
  testRedisUrl,
  testTopology,
} from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';

@Injectable()
class OAuthistConfig {
  readonly prefix = testPrefix();
  options(redis: OAuthistModuleOptions['redis']): OAuthistModuleOptions {
    return { redis, prefix: this.prefix };
  }
}

@Module({ providers: [OAuthistConfig], exports: [OAuthistConfig] })
class ConfigModule {}

describe('OAuthistModule', () => {
  let redis: TestRedis;
  const prefixes: string[] = [];

  beforeAll(() => {
    redis = connectTestRedis();
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  async function roundTrip(
    imports: Parameters<typeof Test.createTestingModule>[0]['imports'],
  ): Promise<void> {
    const module = await Test.createTestingModule({ imports }).compile();
    await module.init();
    const clients = module.get(ClientService);
    const created = await clients.create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
    expect((await clients.get(created.id))?.id).toBe(created.id);
    await module.close();
  }

  const connections: [string, () => OAuthistModuleOptions['redis']][] =
    testTopology() === 'cluster'
      ? [
          ['clusterNodes', () => ({ clusterNodes: testClusterNodes() })],
          ['an ioredis Cluster instance', () => redis],
          [
            'clusterNodes and clusterOptions',
            () => ({
              clusterNodes: testClusterNodes().slice(0, 1),
              clusterOptions: { scaleReads: 'master', redisOptions: { connectTimeout: 5000 } },
            }),
          ],
        ]
      : [
          ['a URL', () => testRedisUrl()],
          ['an ioredis instance', () => redis],
          [
            'RedisOptions',
            () => ({
              host: new URL(testRedisUrl()).hostname,
              port: Number(new URL(testRedisUrl()).port),
            }),
          ],
        ];

  it.each(connections)('forRoot works with %s', async (_, connection) => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    await roundTrip([OAuthistModule.forRoot({ redis: connection(), prefix })]);
  });

  it.each(connections)(
    'forRootAsync works with %s through useFactory and inject',
    async (_, connection) => {
      let prefix = '';
      await roundTrip([
        OAuthistModule.forRootAsync({
          imports: [ConfigModule],
          inject: [OAuthistConfig],
          useFactory: (config: OAuthistConfig) => {
            prefix = config.prefix;
            return config.options(connection());
          },
        }),
      ]);
      prefixes.push(prefix);
    },
  );

  it('forRootAsync works with useClass', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    @Injectable()
    class Factory {
      create(): OAuthistModuleOptions {
        return { redis: testRedisOption(), prefix };
      }
    }
    await roundTrip([OAuthistModule.forRootAsync({ useClass: Factory })]);
  });

  it('closes a connection it opened, and leaves a given instance open', async () => {
    const given = connectTestRedis();
    await given.ping();
    const module = await Test.createTestingModule({
      imports: [OAuthistModule.forRoot({ redis: given, prefix: testPrefix() })],
    }).compile();
    await module.init();
    await module.close();
    try {
      expect(given.status).toBe('ready');
      expect(await given.ping()).toBe('PONG');
    } finally {
      given.disconnect();
    }

    const owning = await Test.createTestingModule({
      imports: [OAuthistModule.forRoot({ redis: testRedisOption(), prefix: testPrefix() })],
    }).compile();
    await owning.init();
    const opened = owning.get(RedisConnection).client;
    expect(opened).toBeInstanceOf(testTopology() === 'cluster' ? Cluster : Redis);
    await owning.close();
    // quit() resolves on the server's OK; the status turns 'end' once the socket has closed.
    for (let i = 0; i < 100 && opened.status !== 'end'; i++) await sleep(20);
    expect(opened.status).toBe('end');
  });

  it('bounds the commands of a connection it opens by commandTimeout', async () => {
    const module = await Test.createTestingModule({
      imports: [
        OAuthistModule.forRoot({
          redis: testRedisOption(),
          prefix: testPrefix(),
          commandTimeout: 1234,
        }),
      ],
    }).compile();
    await module.init();
    try {
      const opened = module.get(RedisConnection).client;
      const options =
        opened instanceof Cluster ? (opened.options.redisOptions ?? {}) : opened.options;
      expect(options).toMatchObject({ commandTimeout: 1234, maxRetriesPerRequest: 1 });
    } finally {
      await module.close();
    }
  });

  it('is global when isGlobal is set', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly clients: ClientService) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}
    const prefix = testPrefix();
    const module = await Test.createTestingModule({
      imports: [
        OAuthistModule.forRoot({ redis: testRedisOption(), prefix, isGlobal: true }),
        FeatureModule,
      ],
    }).compile();
    expect(module.get(Consumer).clients).toBeInstanceOf(ClientService);
    await module.close();
  });

  it('fails start-up naming a bad option', async () => {
    const compiling = Test.createTestingModule({
      imports: [OAuthistModule.forRoot({ redis: testRedisOption(), authorizationCodeTtl: -5 })],
    }).compile();
    await expect(compiling).rejects.toThrow(OAuthistConfigurationError);
    await expect(
      Test.createTestingModule({
        imports: [OAuthistModule.forRoot({ redis: testRedisOption(), authorizationCodeTtl: -5 })],
      }).compile(),
    ).rejects.toThrow(/"authorizationCodeTtl"/);
  });

  it('fails start-up within the command timeout when Redis does not answer, and stops reconnecting', async () => {
    // A server that hangs up on every connection: ioredis would reconnect to it for ever.
    let connections = 0;
    const hangUp = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((listening) => hangUp.listen(0, '127.0.0.1', listening));
    const { port } = hangUp.address() as AddressInfo;
    try {
      const started = performance.now();
      await expect(
        Test.createTestingModule({
          imports: [
            OAuthistModule.forRoot({ redis: `redis://127.0.0.1:${port}`, commandTimeout: 300 }),
          ],
        }).compile(),
      ).rejects.toThrow(/^oauthist: Redis did not answer at start-up: /);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(connections).toBeGreaterThan(0);
      const afterFailure = connections;
      await sleep(1000);
      expect(connections).toBe(afterFailure);
    } finally {
      hangUp.close();
    }
  });

  it('fails start-up naming a bad option that came from forRootAsync', async () => {
    await expect(
      Test.createTestingModule({
        imports: [
          OAuthistModule.forRootAsync({
            useFactory: () => ({ redis: testRedisOption(), prefix: '{x}' }),
          }),
        ],
      }).compile(),
    ).rejects.toThrow(/"prefix"/);
  });
});
