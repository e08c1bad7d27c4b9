import type { INestApplication } from '@nestjs/common';
import { ClientService, TokenService } from '../../lib';
import type { RegisteredClient } from '../../lib';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { createHttpApp } from '../fixtures/http-app';
import { sleep } from '../support/grants';
import { basicOf } from '../support/http-flows';
import { baseUrlOf, LoadClient, maxOf, runWorkers, Sample } from '../support/http-load';
import { SentinelGroup, startSentinelGroup } from '../support/redis-processes';
import { testPrefix } from '../support/test-redis';

const WORKERS = 4;
const COMMAND_TIMEOUT_MS = 1000;
/** A client that got a 503 waits this long before it tries again (Retry-After, but shorter). */
const BACKOFF_MS = 100;
/** Traffic before the kill, so that there is acknowledged data to lose. */
const KILL_AFTER_MS = 3000;
/** Traffic after the first success, so that a second blip would show. */
const RUN_AFTER_RECOVERY_MS = 2000;
const MAX_RUN_MS = 20_000;
/**
 * How long the failover may take, kill to first token: the Sentinels mark the master down
 * after down-after-milliseconds (1 s), agree on it and elect a leader (≤ 1 s random delay plus
 * a round of votes), promote the replica and see the promotion on their next INFO (≤ 1 s),
 * after which ioredis's reconnect backoff (≤ 0.6 s by then) finds the new master. About 4 s;
 * a failed first attempt would only be retried after 2 × failover-timeout (6 s), so 10 s
 * means the first attempt worked.
 */
const MAX_FAILOVER_MS = 10_000;
/**
 * Replication to the replica runs on loopback within the master's event loop turn that sends
 * the reply, so only writes acknowledged in the very last moment before the kill can be lost.
 */
const LOSS_WINDOW_MS = 1000;
/** Room on top of the command timeout for the HTTP exchange and timers firing late. */
const MARGIN_MS = 750;

describe('Sentinel failover under load', () => {
  let group: SentinelGroup;
  let app: INestApplication;
  let client: RegisteredClient;

  beforeAll(async () => {
    group = await startSentinelGroup({
      quorum: 2,
      downAfterMs: 1000,
      failoverTimeoutMs: 3000,
    });
    app = await createHttpApp('express', {
      redis: { sentinels: group.sentinels, name: group.masterName },
      prefix: testPrefix(),
      commandTimeout: COMMAND_TIMEOUT_MS,
      scopes: ['profile'],
    });
    // ioredis writes every failed reconnect to console.error when nobody listens; here the
    // failures are the point of the test.
    app.get(RedisConnection).client.on('error', () => undefined);
    client = await app.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
    // The registration and the server secret must survive the failover; only tokens issued
    // under load are at stake.
    await group.replicaCaughtUp();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await group?.stop();
  });

  it('answers 503 while the master is gone, resumes on the promoted replica, and loses at most a few acknowledged tokens', async () => {
    const load = new LoadClient(baseUrlOf(app));
    const credentials = basicOf(client);
    const acknowledged: { token: string; sent: number; answered: number }[] = [];
    const lastToken: (string | undefined)[] = [];
    const startedAt = performance.now();
    let killedAt = Infinity;
    let resumedAt = Infinity;

    const done = () =>
      performance.now() - startedAt > MAX_RUN_MS ||
      performance.now() - resumedAt > RUN_AFTER_RECOVERY_MS;

    const running = runWorkers(WORKERS, done, async (worker) => {
      const issued = await load.issueToken(credentials, 'profile');
      if (issued.status === 200 && issued.token) {
        acknowledged.push({ token: issued.token, sent: issued.started, answered: issued.ended });
        lastToken[worker] = issued.token;
        if (issued.started > killedAt) resumedAt = Math.min(resumedAt, issued.ended);
      }
      const token = lastToken[worker];
      const verified = token === undefined ? undefined : await load.verify(token);
      if (issued.status !== 200 || (verified && verified.status !== 200)) await sleep(BACKOFF_MS);
    });

    await sleep(KILL_AFTER_MS);
    killedAt = performance.now();
    await group.master.kill();
    await running;

    expect(resumedAt).toBeLessThan(Infinity);
    // The app followed the Sentinels to the promoted replica, on its own connection.
    expect(await group.masterPort()).toBe(group.replica.port);
    const connection = app.get(RedisConnection).client as unknown as {
      stream: { remotePort?: number };
    };
    expect(connection.stream.remotePort).toBe(group.replica.port);

    const tokens = app.get(TokenService);
    const lost = new Set<string>();
    const lostTimes: { sent: number; answered: number }[] = [];
    for (const { token, sent, answered } of acknowledged) {
      const live = await tokens.verifyAccessToken(token, 'profile').then(
        () => true,
        () => false,
      );
      if (!live) {
        lost.add(token);
        lostTimes.push({ sent, answered });
      }
    }

    const failures = load.samples.filter((sample) => sample.status !== 200);
    // A protected route may only refuse a token the failover lost; anything else is Redis
    // trouble and must be 503, never a 401 that tells the client to throw its token away.
    const wrong = failures.filter(
      (sample: Sample) =>
        !(sample.status === 503 && sample.error === 'temporarily_unavailable') &&
        !(sample.kind === 'verify' && sample.status === 401 && lost.has(sample.token ?? '')),
    );
    const during = load.samples.filter(
      (sample) => sample.started >= killedAt && sample.started <= resumedAt,
    );
    const failoverMs = resumedAt - killedAt;
    const maxFailureLatency = maxOf(failures.map((sample) => sample.ended - sample.started));
    console.log(
      `sentinel failover: requests=${load.samples.length} during-failover=${during.length} ` +
        `failed=${failures.length} (503=${failures.filter((s) => s.status === 503).length}) ` +
        `max-failure-latency=${Math.round(maxFailureLatency)}ms ` +
        `acknowledged=${acknowledged.length} lost=${lost.size} ` +
        `failover=${(failoverMs / 1000).toFixed(2)}s`,
    );

    expect(wrong.map(({ kind, status, error }) => ({ kind, status, error }))).toEqual([]);
    // Nothing failed before the kill, and nothing after the app was back on the new master
    // except requests already waiting on the dead one (bounded by the command timeout).
    for (const failure of failures) {
      expect(failure.ended).toBeGreaterThanOrEqual(killedAt);
      expect(failure.started).toBeLessThanOrEqual(resumedAt);
    }
    expect(failoverMs).toBeLessThan(MAX_FAILOVER_MS);
    expect(maxFailureLatency).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    // Each worker fails at most both requests of an iteration, then backs off: over the outage
    // that is at most 2 per BACKOFF_MS per worker, plus the iteration in flight at the kill.
    expect(failures.length).toBeLessThanOrEqual(
      WORKERS * 2 * (Math.ceil(failoverMs / BACKOFF_MS) + 1),
    );
    // Asynchronous replication may drop what the old master acknowledged last; only that.
    for (const { sent, answered } of lostTimes) {
      expect(sent).toBeLessThan(killedAt);
      expect(answered).toBeGreaterThan(killedAt - LOSS_WINDOW_MS);
    }
    expect(lost.size).toBeLessThanOrEqual(WORKERS);
  }, 60_000);
});
