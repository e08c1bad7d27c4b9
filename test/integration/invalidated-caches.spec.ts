import { Test, TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import {
  ClientService,
  GrantService,
  OAuthistModule,
  RegisteredClient,
  TokenService,
} from '../../lib';
import { InvalidationListener } from '../../lib/redis/invalidation-listener';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { VerifiedTokenCache } from '../../lib/tokens/verified-token-cache';
import { obtainCode, sleep, startOfSecond } from '../support/grants';
import { pkcePair } from '../support/pkce';
import type { ModuleOptions } from '../support/module-options';
import {
  connectTestRedis,
  deleteKeys,
  masterConnections,
  testPrefix,
  testRedisOption,
} from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';
import { msUntil, REPORT_BOUND_MS, verdict } from '../support/token-cache';

/**
 * Two app instances on one prefix, as two processes of a deployment would be: each has its own
 * connections, caches and report connections, and learns of the other's changes only from Redis.
 */
interface Instance {
  readonly module: TestingModule;
  readonly clients: ClientService;
  readonly grants: GrantService;
  readonly tokens: TokenService;
  readonly listener: InvalidationListener;
}

async function startInstance(prefix: string, options: Partial<ModuleOptions>): Promise<Instance> {
  const module = await Test.createTestingModule({
    imports: [
      OAuthistModule.forRoot({ redis: testRedisOption(), prefix, scopes: ['read'], ...options }),
    ],
  }).compile();
  await module.init();
  return {
    module,
    clients: module.get(ClientService),
    grants: module.get(GrantService),
    tokens: module.get(TokenService),
    listener: module.get(InvalidationListener),
  };
}

/**
 * Verifies `token` in `instance` until it is cached: the report of the write that made it can
 * arrive while the first read is under way, which then keeps nothing.
 */
async function cached(instance: Instance, token: string): Promise<void> {
  await msUntil(async () => {
    await instance.tokens.verifyAccessToken(token);
    return (await commandsSentBy(instance, () => instance.tokens.verifyAccessToken(token))) === 0;
  });
}

/** Counts the commands an instance sends to Redis while `run` runs (one per round trip here). */
async function commandsSentBy(instance: Instance, run: () => Promise<unknown>): Promise<number> {
  const client = instance.module.get(RedisConnection).client;
  const spy = jest.spyOn(client as Redis, 'sendCommand');
  try {
    await run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

async function clientCredentialsToken(instance: Instance, client: RegisteredClient) {
  const request = await instance.grants.clientCredentialsRequest({
    client_id: client.id,
    client_secret: client.secret,
    scope: 'read',
  });
  if (request.isInvalid()) throw request.getError();
  return request.exchangeForToken();
}

/** The report connections' ids on `node`, killed there (CLIENT KILL). */
async function killReportConnections(redis: TestRedis, instance: Instance): Promise<void> {
  const ids = instance.listener.clientIds();
  expect(ids).not.toContain(null);
  const nodes = await masterConnections(redis);
  // Each id is one node's; killing it on the others finds nothing.
  await Promise.all(
    nodes.flatMap((node) => ids.map((id) => node.client('KILL', 'ID', String(id)).catch(() => 0))),
  );
}

describe('caches invalidated by Redis (CLIENT TRACKING)', () => {
  let prefix: string;
  let redis: TestRedis;
  let a: Instance;
  let b: Instance;
  let client: RegisteredClient;

  async function start(options: Partial<ModuleOptions> = {}): Promise<void> {
    a = await startInstance(prefix, options);
    b = await startInstance(prefix, options);
    client = await a.clients.create({ clientType: 'web', redirectUrls: ['https://a.example/cb'] });
  }

  beforeEach(() => {
    prefix = testPrefix();
    redis = connectTestRedis();
  });

  afterEach(async () => {
    await deleteKeys(redis, prefix);
    await Promise.all([a?.module.close(), b?.module.close()]);
    redis.disconnect();
  });

  describe('clients', () => {
    it('authenticates a known client with no round trip: client credentials cost one', async () => {
      await start();
      expect(b.listener.tracking).toBe(true);
      await clientCredentialsToken(b, client); // reads the client into B's cache
      expect(await commandsSentBy(b, () => clientCredentialsToken(b, client))).toBe(1);
    });

    it('a secret rotated in one instance is refused by the other within the bound', async () => {
      await start();
      await clientCredentialsToken(b, client);
      const rotated = await a.clients.rotateSecret(client.id);
      const ms = await msUntil(async () => {
        const request = await b.grants.clientCredentialsRequest({
          client_id: client.id,
          client_secret: client.secret,
        });
        return request.isInvalid();
      });
      expect(ms).toBeLessThan(REPORT_BOUND_MS);
      if (rotated === null) throw new Error('the client is gone');
      const fresh = await clientCredentialsToken(b, rotated);
      expect(fresh.accessToken).toBeTruthy();
    });

    it('a client deleted in one instance cannot authenticate in the other', async () => {
      await start();
      await clientCredentialsToken(b, client);
      await a.clients.delete(client.id);
      await msUntil(async () => {
        const request = await b.grants.clientCredentialsRequest({
          client_id: client.id,
          client_secret: client.secret,
        });
        return request.getError()?.error === 'invalid_client';
      });
    });

    it('redirect URLs changed in one instance are what the other checks', async () => {
      await start();
      const spa = await a.clients.create({
        clientType: 'user-agent',
        redirectUrls: ['https://old.example/cb'],
      });
      // A public client names itself at the token endpoint: its record is cached in B.
      const pkce = pkcePair();
      const code = await obtainCode(a.grants, spa, {
        redirect_uri: 'https://old.example/cb',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      });
      const exchange = await b.grants.codeExchangeRequest({
        client_id: spa.id,
        code,
        redirect_uri: 'https://old.example/cb',
        code_verifier: pkce.verifier,
      });
      expect(exchange.isInvalid()).toBe(false);
      await a.clients.update(spa.id, { redirectUrls: ['https://new.example/cb'] });
      await msUntil(async () => {
        const request = await b.grants.codeRequest({
          client_id: spa.id,
          redirect_uri: 'https://new.example/cb',
          code_challenge: pkce.challenge,
          code_challenge_method: 'S256',
        });
        return request.error === null;
      });
    });

    it('its own change is seen by the same instance at once, without waiting for Redis', async () => {
      await start();
      await clientCredentialsToken(a, client);
      await a.clients.rotateSecret(client.id);
      const request = await a.grants.clientCredentialsRequest({
        client_id: client.id,
        client_secret: client.secret,
      });
      expect(request.getError()?.error).toBe('invalid_client');
    });

    it('a failure counted is not forgotten by the cache: the limit still applies (RFC 6749 §10.10)', async () => {
      await start({ bruteForce: { maxFailures: 2 } });
      await clientCredentialsToken(b, client);
      for (let i = 0; i < 2; i++) {
        const wrong = await b.grants.clientCredentialsRequest({
          client_id: client.id,
          client_secret: 'wrong',
        });
        expect(wrong.getError()?.error).toBe('invalid_client');
      }
      // The right secret is refused too while the id is locked out, from B and from A.
      for (const instance of [b, a]) {
        const right = await instance.grants.clientCredentialsRequest({
          client_id: client.id,
          client_secret: client.secret,
        });
        expect(right.getError()?.status).toBe(429);
      }
    });

    it('an unknown client id is never kept: each try asks Redis', async () => {
      await start();
      const ask = () =>
        b.grants.clientCredentialsRequest({ client_id: 'nobody', client_secret: 'x' });
      await ask();
      expect(await commandsSentBy(b, ask)).toBeGreaterThan(0);
    });

    it('is off with clientCache: false, and opens no report connection', async () => {
      await start({ clientCache: false });
      expect(b.listener.clientIds()).toEqual([]);
      await clientCredentialsToken(b, client);
      expect(await commandsSentBy(b, () => clientCredentialsToken(b, client))).toBe(2);
    });
  });

  describe('tokens (tokenCache)', () => {
    it('is off by default: every verification reads Redis', async () => {
      await start();
      const issued = await clientCredentialsToken(a, client);
      await b.tokens.verifyAccessToken(issued.accessToken);
      expect(await commandsSentBy(b, () => b.tokens.verifyAccessToken(issued.accessToken))).toBe(1);
    });

    it('verifies a cached token with no round trip', async () => {
      await start({ tokenCache: { maxEntries: 100 } });
      const issued = await clientCredentialsToken(a, client);
      await cached(b, issued.accessToken);
      expect(
        await commandsSentBy(b, () => b.tokens.verifyAccessToken(issued.accessToken, 'read')),
      ).toBe(0);
      expect(b.module.get(VerifiedTokenCache).size).toBe(1);
      // The scopes are still checked on a cached token (RFC 6750 §3.1).
      await expect(b.tokens.verifyAccessToken(issued.accessToken, 'write')).rejects.toMatchObject({
        reason: 'insufficient_scope',
      });
    });

    it('a token revoked in one instance is refused by the other within the bound (RFC 7009 §2)', async () => {
      await start({ tokenCache: true });
      const issued = await clientCredentialsToken(a, client);
      expect(await verdict(b.tokens, issued.accessToken)).toBe('live');
      await a.tokens.revokeToken(issued.accessToken);
      const ms = await msUntil(
        async () => (await verdict(b.tokens, issued.accessToken)) !== 'live',
      );
      expect(ms).toBeLessThan(REPORT_BOUND_MS);
      expect(await verdict(b.tokens, issued.accessToken)).toBe('revoked');
    });

    it('a revoked grant, and a replayed code, end the cached tokens of the grant (RFC 6749 §4.1.2)', async () => {
      await start({ tokenCache: true });
      const code = await obtainCode(a.grants, client, { scope: 'read' });
      const first = await a.grants.codeExchangeRequest({
        client_id: client.id,
        client_secret: client.secret,
        code,
      });
      const issued = await first.exchangeForToken();
      expect(await verdict(b.tokens, issued.accessToken)).toBe('live');
      const replay = await a.grants.codeExchangeRequest({
        client_id: client.id,
        client_secret: client.secret,
        code,
      });
      await expect(replay.exchangeForToken()).rejects.toMatchObject({ error: 'invalid_grant' });
      await msUntil(async () => (await verdict(b.tokens, issued.accessToken)) !== 'live');

      const again = await obtainCode(a.grants, client, { scope: 'read' }, { userId: 'bob' });
      const exchange = await a.grants.codeExchangeRequest({
        client_id: client.id,
        client_secret: client.secret,
        code: again,
      });
      const bobs = await exchange.exchangeForToken();
      expect(await verdict(b.tokens, bobs.accessToken)).toBe('live');
      await a.tokens.revokeGrant('bob', client.id);
      await msUntil(async () => (await verdict(b.tokens, bobs.accessToken)) !== 'live');
    });

    it('a revocation in the same instance is refused at once', async () => {
      await start({ tokenCache: true });
      const issued = await clientCredentialsToken(a, client);
      expect(await verdict(a.tokens, issued.accessToken)).toBe('live');
      await a.tokens.revokeToken(issued.accessToken);
      expect(await verdict(a.tokens, issued.accessToken)).toBe('revoked');
    });

    it('never serves a token past its expiry', async () => {
      await start({ tokenCache: true, accessTokenTtl: 1 });
      await startOfSecond();
      const issued = await clientCredentialsToken(a, client);
      expect(await verdict(b.tokens, issued.accessToken)).toBe('live');
      await cached(b, issued.accessToken);
      const { expiresAt } = await b.tokens.verifyAccessToken(issued.accessToken);
      if (expiresAt === null) throw new Error('the token should expire');
      await sleep(expiresAt.getTime() - Date.now() + 50);
      expect(await verdict(b.tokens, issued.accessToken)).toBe('expired');
    });

    it('a killed report connection empties the cache, and Redis answers at once (CLIENT KILL)', async () => {
      await start({ tokenCache: true });
      const issued = await clientCredentialsToken(a, client);
      await cached(b, issued.accessToken);
      const cache = b.module.get(VerifiedTokenCache);
      expect(cache.size).toBe(1);
      await killReportConnections(redis, b);
      await msUntil(async () => !b.listener.tracking);
      expect(cache.size).toBe(0);
      // No report can reach B now: a revocation must still be seen, from Redis.
      await a.tokens.revokeToken(issued.accessToken);
      expect(await verdict(b.tokens, issued.accessToken)).toBe('revoked');
      // Until tracking is back nothing is kept; then caching resumes.
      const next = await clientCredentialsToken(a, client);
      await msUntil(async () => b.listener.tracking);
      await b.tokens.verifyAccessToken(next.accessToken);
      expect(await commandsSentBy(b, () => b.tokens.verifyAccessToken(next.accessToken))).toBe(0);
    });
  });
});
