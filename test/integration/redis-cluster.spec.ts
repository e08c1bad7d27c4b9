import { Test } from '@nestjs/testing';
import { ClientService, OAuthistModule, StorageUnavailableError, TokenService } from '../../lib';
import { resolveOptions } from '../../lib/options/resolve-options';
import { ClientStore } from '../../lib/redis/client-store';
import { GrantStore } from '../../lib/redis/grant-store';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { storageCall, storageReplies } from '../../lib/redis/storage-call';
import {
  FaultyCluster,
  startFaultyRedisCluster,
  startRedisCluster,
  ThrowawayCluster,
} from '../support/redis-cluster';
import { ask, waitUntil } from '../support/redis-processes';
import { freePort } from '../support/redis-server';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import {
  listKeys,
  masterConnections,
  testClusterNodes,
  testPrefix,
  testTopology,
} from '../support/test-redis';

const COMMAND_TIMEOUT = 300;
/** Well past the timeout, well short of a hang. */
const PROMPT_MS = 2000;

/** Every kind of call the stores make: a command, a script, a pipeline and a MULTI. */
function callsOf(connection: RedisConnection): [string, () => Promise<unknown>][] {
  const clients = new ClientStore(connection);
  const grants = new GrantStore(connection);
  const code = { clientId: 'c', redirectUri: 'https://c.example/cb', redirectUriGiven: true };
  return [
    ['a command', () => clients.get('some-client')],
    ['a script', () => clients.delete('some-client')],
    // As ClientStore reads a page of clients, once it has their ids.
    [
      'a pipeline',
      async () => {
        const pipeline = connection.client.pipeline().hgetall(connection.keys.client('c'));
        return storageReplies(await storageCall(pipeline.exec()));
      },
    ],
    [
      'a MULTI',
      () => grants.saveCode('g', 'h', { ...code, grantIdentity: 'c', tokenBody: 'x' }, 60),
    ],
  ];
}

/** Fails unless `call` is refused as storage being unavailable, and promptly. */
async function expectPromptOutage(what: string, call: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  const outcome = await call().then(
    () => 'answered',
    (error: unknown) => (error instanceof StorageUnavailableError ? 'unavailable' : String(error)),
  );
  const prompt = performance.now() - started < PROMPT_MS;
  expect({ what, outcome, prompt }).toEqual({ what, outcome: 'unavailable', prompt: true });
}

/** A connection as oauthist opens it on `nodes`, with its errors left to the calls that meet them. */
function connectionTo(nodes: ThrowawayCluster['nodes']): RedisConnection {
  const connection = new RedisConnection(
    resolveOptions({
      redis: {
        clusterNodes: [...nodes],
        clusterOptions: { redisOptions: { disconnectTimeout: 20 } },
      },
      prefix: testPrefix(),
      commandTimeout: COMMAND_TIMEOUT,
    }),
  );
  connection.client.on('error', () => undefined);
  return connection;
}

/**
 * Scripts and transactions the nodes ran since they started. A call that failed during the
 * outage must not run once the cluster is back: its caller was told that it did not happen.
 */
async function scriptsAndTransactionsRun(cluster: ThrowawayCluster): Promise<number> {
  let total = 0;
  for (const { port } of cluster.nodes) {
    const stats = await ask(port, (redis) => redis.info('commandstats'));
    for (const [, calls] of stats.matchAll(/^cmdstat_(?:eval|evalsha|exec):calls=(\d+)/gm)) {
      total += Number(calls);
    }
  }
  return total;
}

/** Waits, generously, until the cluster serves again, then expects every kind of call to. */
async function expectServedAgain(cluster: FaultyCluster, connection: RedisConnection) {
  const clients = new ClientStore(connection);
  await waitUntil(
    'the cluster to serve oauthist again',
    async () => (await clients.get('some-client')) === null,
    30_000,
    100,
  );
  expect(await scriptsAndTransactionsRun(cluster)).toBe(0);
  for (const [what, call] of callsOf(connection)) {
    const outcome = await call().then(
      () => 'answered',
      (error: unknown) => String(error),
    );
    expect({ what, outcome }).toEqual({ what, outcome: 'answered' });
  }
}

describe('a Redis Cluster that oauthist opens from clusterNodes', () => {
  it('fails every kind of call within commandTimeout while it has never reached a node', async () => {
    const port = await freePort();
    const connection = new RedisConnection(
      resolveOptions({
        redis: {
          clusterNodes: [{ host: '127.0.0.1', port }],
          // A refused connection would keep ioredis' 2 s timer to close its socket alive.
          clusterOptions: { redisOptions: { disconnectTimeout: 20 } },
        },
        prefix: testPrefix(),
        commandTimeout: COMMAND_TIMEOUT,
      }),
    );
    connection.client.on('error', () => undefined);
    try {
      for (const [what, call] of callsOf(connection)) await expectPromptOutage(what, call);
    } finally {
      await connection.onApplicationShutdown();
    }
  });

  // The shared test cluster, or one of its own to take down: on the cluster run only.
  if (testTopology() === 'cluster') {
    describe('on the test cluster', () => {
      let fixture: OAuthistFixture;

      beforeAll(async () => {
        fixture = await createOAuthistFixture();
      });

      afterAll(() => fixture.close());

      it('keeps the registry in one slot and spreads grants over the masters', async () => {
        const clients = fixture.module.get(ClientService);
        const tokens = fixture.module.get(TokenService);
        const client = await clients.create({
          clientType: 'web',
          redirectUrls: ['https://c.example/cb'],
          attributes: { team: 'a', tier: 'gold' },
        });
        for (let user = 0; user < 12; user++) {
          await tokens.issueAccessToken({
            clientId: client.id,
            scopes: ['profile'],
            extras: { userId: `user-${user}` },
          });
        }
        const masters = await masterConnections(fixture.redis);
        expect(masters).toHaveLength(testClusterNodes().length);
        const perMaster = await Promise.all(
          masters.map(async (node) => (await listKeys(node, `${fixture.prefix}:*`)).length),
        );
        expect(perMaster.filter((count) => count > 0).length).toBeGreaterThan(1);

        const registry = await listKeys(fixture.redis, `${fixture.prefix}:{clients}:*`);
        expect(registry.length).toBeGreaterThanOrEqual(5);
        const slots = await Promise.all(
          registry.map((key) => masters[0].call('CLUSTER', 'KEYSLOT', key)),
        );
        expect(new Set(slots).size).toBe(1);
      });
    });

    describe('once every node of the cluster is gone', () => {
      let cluster: ThrowawayCluster | undefined;

      afterAll(async () => {
        await cluster?.stop();
      });

      it('fails every kind of call within commandTimeout, and shuts down promptly', async () => {
        cluster = await startRedisCluster();
        const module = await Test.createTestingModule({
          imports: [
            OAuthistModule.forRoot({
              redis: {
                clusterNodes: [...cluster.nodes],
                clusterOptions: { redisOptions: { disconnectTimeout: 20 } },
              },
              prefix: testPrefix(),
              commandTimeout: COMMAND_TIMEOUT,
            }),
          ],
        }).compile();
        await module.init();
        const connection = module.get(RedisConnection);
        connection.client.on('error', () => undefined);
        try {
          const created = await module
            .get(ClientService)
            .create({ clientType: 'web', redirectUrls: ['https://c.example/cb'] });
          for (const [, call] of callsOf(connection)) await call();
          await cluster.stop();
          cluster = undefined;
          for (const [what, call] of callsOf(connection)) await expectPromptOutage(what, call);
          await expectPromptOutage('ClientService.get', () =>
            module.get(ClientService).get(created.id),
          );
        } finally {
          const closing = performance.now();
          await module.close();
          expect(performance.now() - closing).toBeLessThan(PROMPT_MS);
        }
      }, 30_000);
    });

    describe('once its nodes are back', () => {
      let cluster: FaultyCluster | undefined;
      let connection: RedisConnection | undefined;

      afterEach(async () => {
        await connection?.onApplicationShutdown();
        await cluster?.stop();
        connection = undefined;
        cluster = undefined;
      });

      // Nodes that take connections and never answer: the refused connections of the test
      // above end each attempt to read the slot map at once, these only after
      // slotsRefreshTimeout per node, longer than PROMPT_MS for three nodes.
      it('serves again after failing every kind of call while no node ever answered', async () => {
        cluster = await startFaultyRedisCluster();
        await cluster.freeze();
        connection = connectionTo(cluster.nodes);
        // Frozen for well under --cluster-node-timeout, lest the nodes fail one another.
        for (const [what, call] of callsOf(connection)) await expectPromptOutage(what, call);
        await cluster.thaw();
        await expectServedAgain(cluster, connection);
      }, 60_000);

      it('serves again, scripts included, after every node was killed and restarted', async () => {
        cluster = await startFaultyRedisCluster();
        connection = connectionTo(cluster.nodes);
        for (const [, call] of callsOf(connection)) await call();
        await cluster.kill();
        for (const [what, call] of callsOf(connection)) await expectPromptOutage(what, call);
        // Restarted empty: the servers have no script cached, EVALSHA falls back to EVAL.
        await cluster.restart();
        await expectServedAgain(cluster, connection);
      }, 60_000);
    });
  }
});
