import { Test, TestingModule } from '@nestjs/testing';
import { OAuthistModule, TokenService } from '../../lib';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { VerifiedTokenCache } from '../../lib/tokens/verified-token-cache';
import { ask, SentinelGroup, startSentinelGroup, waitUntil } from '../support/redis-processes';
import { testPrefix } from '../support/test-redis';
import { REPORT_BOUND_MS, untilCached, verdict } from '../support/token-cache';

/**
 * A graceful failover leaves the old master running, as a replica that reports none of the
 * writes it replicates: the cache must not go on trusting its report connection there.
 */
describe('the token cache across a Sentinel failover', () => {
  let group: SentinelGroup;
  let a: TestingModule;
  let b: TestingModule;
  const prefix = testPrefix();

  async function startInstance(tokenCache: boolean): Promise<TestingModule> {
    const module = await Test.createTestingModule({
      imports: [
        OAuthistModule.forRoot({
          redis: { sentinels: group.sentinels, name: group.masterName },
          prefix,
          commandTimeout: 1000,
          tokenCache,
        }),
      ],
    }).compile();
    await module.init();
    // A failover drops connections on purpose; ioredis would print every reconnection.
    module.get(RedisConnection).client.on('error', () => undefined);
    return module;
  }

  beforeAll(async () => {
    group = await startSentinelGroup({ quorum: 2, downAfterMs: 1000, failoverTimeoutMs: 3000 });
    a = await startInstance(false);
    b = await startInstance(true);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await group?.stop();
  });

  it('a token revoked on the promoted master is refused by the cache within the bound', async () => {
    const tokens = a.get(TokenService);
    const issued = await tokens.issueAccessToken({ clientId: null, scopes: [], userId: 'alice' });
    const cached = b.get(TokenService);
    await untilCached(b, issued.accessToken);
    expect(b.get(VerifiedTokenCache).size).toBe(1);
    await group.replicaCaughtUp();

    const before = await group.masterPort();
    const [sentinel] = group.sentinels;
    await ask(sentinel.port, (redis) => redis.call('SENTINEL', 'FAILOVER', group.masterName));
    await waitUntil(
      'the replica to be promoted',
      async () => (await group.masterPort()) !== before,
      20_000,
    );

    // A finds the new master through the Sentinels and revokes there.
    await waitUntil(
      'the revocation to reach the new master',
      async () => {
        await tokens.revokeToken(issued.accessToken);
        return true;
      },
      20_000,
    );
    const start = performance.now();
    while ((await verdict(cached, issued.accessToken)) === 'live') {
      expect(performance.now() - start).toBeLessThan(REPORT_BOUND_MS);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await verdict(cached, issued.accessToken)).toBe('revoked');
  }, 60_000);
});
