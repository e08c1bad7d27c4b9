import type { INestApplication } from '@nestjs/common';
import { ClientService } from '../../lib';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { ADAPTERS, createHttpApp } from '../fixtures/http-app';
import { sleep } from '../support/grants';
import { basicOf } from '../support/http-flows';
import { baseUrlOf, LoadClient, maxOf, runWorkers } from '../support/http-load';
import { RedisProcess, spawnRedis } from '../support/redis-processes';
import { testPrefix } from '../support/test-redis';

const WORKERS = 10;
const COMMAND_TIMEOUT_MS = 1000;
/**
 * Room on top of the command timeout for what is not waiting on Redis: the HTTP exchange, the
 * timer firing late on a machine busy with the other test files and ten workers.
 */
const MARGIN_MS = 750;
const WARM_UP_MS = 1000;
const DOWN_MS = 2000;
const RUN_AFTER_RESTART_MS = 1000;

describe.each(ADAPTERS)('Redis killed and restarted under load (%s)', (adapter) => {
  let redis: RedisProcess;
  let app: INestApplication;

  beforeAll(async () => {
    redis = await spawnRedis();
    app = await createHttpApp(adapter, {
      redis: redis.url,
      prefix: testPrefix(),
      commandTimeout: COMMAND_TIMEOUT_MS,
      scopes: ['profile'],
    });
    // ioredis writes every failed reconnect to console.error when nobody listens; here the
    // failures are the point of the test.
    app.get(RedisConnection).client.on('error', () => undefined);
  });

  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('answers 503 promptly while Redis is down and serves again once it is back, without an app restart', async () => {
    const clients = app.get(ClientService);
    const register = () =>
      clients.create({ clientType: 'web', redirectUrls: ['https://client.example/cb'] });
    let credentials = basicOf(await register());
    const load = new LoadClient(baseUrlOf(app));
    const lastToken: (string | undefined)[] = [];

    // Closed while Redis is restarted: every request is then either wholly in the outage or
    // wholly after it, and the credentials of the empty new Redis are in place before traffic.
    let gate: Promise<void> | undefined;
    let openGate: () => void = () => undefined;
    let parked = 0;
    let stopping = false;

    const running = runWorkers(
      WORKERS,
      () => stopping,
      async (worker) => {
        if (gate) {
          parked++;
          await gate;
          parked--;
          return;
        }
        const issued = await load.issueToken(credentials, 'profile');
        if (issued.status === 200) lastToken[worker] = issued.token;
        const token = lastToken[worker];
        if (token !== undefined) await load.verify(token);
      },
    );

    await sleep(WARM_UP_MS);
    const killedAt = performance.now();
    const killed = redis;
    await killed.kill();
    await sleep(DOWN_MS);

    gate = new Promise((resolve) => (openGate = resolve));
    const drainedFrom = performance.now();
    while (parked < WORKERS) await sleep(5);
    const outageEnded = performance.now();

    await killed.stop();
    redis = await spawnRedis({ port: killed.port });
    const restartedAt = performance.now();
    const connection = app.get(RedisConnection).client;
    if (connection.status !== 'ready') {
      await new Promise((resolve) => connection.once('ready', resolve));
    }
    // Nothing persisted: the client registered before the kill is gone with the old process.
    credentials = basicOf(await register());
    lastToken.fill(undefined);
    const resumedAt = performance.now();
    gate = undefined;
    openGate();
    await sleep(RUN_AFTER_RESTART_MS);
    stopping = true;
    await running;

    const before = load.samples.filter((sample) => sample.started < killedAt);
    const outage = load.samples.filter(
      (sample) => sample.started >= killedAt && sample.started < outageEnded,
    );
    const after = load.samples.filter((sample) => sample.started >= resumedAt);
    const latencies = outage.map((sample) => sample.ended - sample.started);
    const failed = load.samples.filter((sample) => sample.status !== 200);
    const maxLatency = maxOf(latencies);
    const medianLatency = [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)];
    console.log(
      `redis restart (${adapter}): requests=${load.samples.length} during-outage=${outage.length} ` +
        `failed=${failed.length} outage-latency median=${Math.round(medianLatency)}ms ` +
        `max=${Math.round(maxLatency)}ms ` +
        `drain=${Math.round(outageEnded - drainedFrom)}ms ` +
        `reconnect=${Math.round(resumedAt - restartedAt)}ms after=${after.length}`,
    );

    expect(before.length).toBeGreaterThan(0);
    // Requests in flight at the kill may have finished on Redis; any that did not is a 503.
    expect(
      before.filter(
        (sample) =>
          sample.status !== 200 &&
          !(sample.status === 503 && sample.error === 'temporarily_unavailable'),
      ),
    ).toEqual([]);
    expect(outage.length).toBeGreaterThanOrEqual(WORKERS);
    expect(
      outage
        .filter((sample) => sample.status !== 503 || sample.error !== 'temporarily_unavailable')
        .map(({ kind, status, error }) => ({ kind, status, error })),
    ).toEqual([]);
    expect(maxLatency).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    expect(after.length).toBeGreaterThanOrEqual(WORKERS);
    expect(
      after
        .filter((sample) => sample.status !== 200)
        .map(({ kind, status, error }) => ({ kind, status, error })),
    ).toEqual([]);
  }, 30_000);
});
