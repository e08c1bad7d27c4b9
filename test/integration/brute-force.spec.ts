import { Test, TestingModule } from '@nestjs/testing';
import {
  ClientCredentialsRequest,
  ClientRequest,
  ClientService,
  GrantService,
  OAuthError,
  OAuthistModule,
  OAuthistModuleOptions,
  OAuthParameters,
  RegisteredClient,
  UserCredentialsVerifier,
} from '../../lib';
import { RedisKeys } from '../../lib/redis/redis-keys';
import { sleep } from '../support/grants';
import {
  connectTestRedis,
  deleteKeys,
  dumpKeys,
  testPrefix,
  testRedisOption,
} from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';

const MAX_FAILURES = 5;
const WINDOW_SECONDS = 2;
const LIMITS = { maxFailures: MAX_FAILURES, windowSeconds: WINDOW_SECONDS };
const BURST = 12;

/** Knows alice and bob, and answers after a while, so that a burst of attempts overlaps. */
class SlowVerifier implements UserCredentialsVerifier {
  readonly checked: string[] = [];

  async verify(username: string, password: string): Promise<Record<string, string> | null> {
    this.checked.push(username);
    await sleep(10);
    const known = (username === 'alice' && password === 'wonderland') || password === 'builder';
    return known ? { userId: username } : null;
  }
}

/** What a request came to: `ok`, or the status and error code of its refusal. */
function outcomeOf(request: ClientRequest): string {
  const error = request.getError();
  return error === null ? 'ok' : `${error.status} ${error.error}`;
}

function tally(outcomes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** The refusal of a request over the limit, checked for its Retry-After. */
function expectRefused(request: ClientRequest, error: 'invalid_client' | 'invalid_grant'): void {
  const refusal = request.getError() as OAuthError;
  expect({ status: refusal?.status, error: refusal?.error }).toEqual({ status: 429, error });
  const retryAfter = Number(refusal.headers['Retry-After']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

describe('brute-force protection (RFC 6749 §10.10)', () => {
  let prefix: string;
  let keys: RedisKeys;
  let modules: TestingModule[];
  let redis: TestRedis;
  let verifier: SlowVerifier;
  let web: RegisteredClient;
  let other: RegisteredClient;

  /** Two instances of the module on one Redis and one prefix, as two copies of an app are. */
  async function start(options: Partial<OAuthistModuleOptions>): Promise<void> {
    prefix = testPrefix();
    keys = new RedisKeys(prefix);
    verifier = new SlowVerifier();
    modules = [];
    for (let i = 0; i < 2; i++) {
      const module = await Test.createTestingModule({
        imports: [
          OAuthistModule.forRoot({
            redis: testRedisOption(),
            prefix,
            ...options,
            extraProviders: [{ provide: UserCredentialsVerifier, useValue: verifier }],
          }),
        ],
      }).compile();
      modules.push(await module.init());
    }
    const clients = modules[0].get(ClientService);
    web = await clients.create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] });
    other = await clients.create({ clientType: 'web', redirectUrls: ['https://other.example/cb'] });
  }

  /** The grant service of instance `i % 2`. */
  function grants(i = 0): GrantService {
    return modules[i % 2].get(GrantService);
  }

  function clientCredentials(
    client: RegisteredClient,
    secret = client.secret as string,
    i = 0,
  ): Promise<ClientCredentialsRequest> {
    return grants(i).clientCredentialsRequest({ client_id: client.id, client_secret: secret });
  }

  function password(parameters: OAuthParameters, i = 0): Promise<ClientRequest> {
    return grants(i).passwordExchangeRequest(parameters);
  }

  /** `BURST` wrong secrets of `client` at once, alternating between the two instances. */
  async function wrongSecretBurst(client: RegisteredClient): Promise<ClientRequest[]> {
    return Promise.all(
      Array.from({ length: BURST }, (_, i) => clientCredentials(client, `wrong-${i}`, i)),
    );
  }

  beforeEach(() => {
    redis = connectTestRedis();
  });

  afterEach(async () => {
    await Promise.all(modules.map((module) => module.close()));
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  describe('client authentication', () => {
    beforeEach(() => start({ bruteForce: LIMITS }));

    it('answers exactly maxFailures wrong secrets across both instances, then 429 even for the right one until the window passes', async () => {
      const burst = await wrongSecretBurst(web);
      expect(tally(burst.map(outcomeOf))).toEqual({
        '401 invalid_client': MAX_FAILURES,
        '429 invalid_client': BURST - MAX_FAILURES,
      });
      for (const request of burst.filter((r) => r.getError()?.status === 429)) {
        expectRefused(request, 'invalid_client');
      }

      for (const i of [0, 1])
        expectRefused(await clientCredentials(web, undefined, i), 'invalid_client');

      const key = keys.attempts('client', web.id, 'unknown');
      expect(await redis.zcard(key)).toBe(MAX_FAILURES);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);

      await sleep(WINDOW_SECONDS * 1000 + 100);
      for (const i of [0, 1])
        expect(outcomeOf(await clientCredentials(web, undefined, i))).toBe('ok');
      expect(await redis.exists(key)).toBe(0);
    });

    it('lets a success through under the limit without resetting the count', async () => {
      for (let i = 0; i < MAX_FAILURES - 1; i++) {
        expect(outcomeOf(await clientCredentials(web, 'wrong'))).toBe('401 invalid_client');
      }
      const success = await clientCredentials(web);
      expect(outcomeOf(success)).toBe('ok');
      expect((await success.exchangeForToken()).accessToken).toEqual(expect.any(String));
      expect(outcomeOf(await clientCredentials(web, 'wrong'))).toBe('401 invalid_client');
      expectRefused(await clientCredentials(web), 'invalid_client');
    });

    it("does not hold one client's failures against another", async () => {
      await wrongSecretBurst(web);
      expectRefused(await clientCredentials(web), 'invalid_client');
      expect(outcomeOf(await clientCredentials(other, undefined, 1))).toBe('ok');
      expect(outcomeOf(await clientCredentials(other, 'wrong'))).toBe('401 invalid_client');
      expect(await redis.zcard(keys.attempts('client', other.id, 'unknown'))).toBe(1);
    });

    it('counts an unknown client id sent with a secret, not a client that only names itself', async () => {
      for (let i = 0; i < MAX_FAILURES; i++) {
        const request = await grants(i).clientCredentialsRequest({
          client_id: 'no-such-client',
          client_secret: 'guess',
        });
        expect(outcomeOf(request)).toBe('401 invalid_client');
      }
      const blocked = await grants().clientCredentialsRequest({
        client_id: 'no-such-client',
        client_secret: 'guess',
      });
      expectRefused(blocked, 'invalid_client');

      for (let i = 0; i < MAX_FAILURES + 2; i++) {
        const named = await grants(i).revocationRequest({ token: 'x', client_id: 'nobody' });
        expect(named.getError()?.description).toBe('client_id names no registered client');
      }
      expect(await redis.exists(keys.attempts('client', 'nobody', 'unknown'))).toBe(0);
    });

    it('counts a client id that is not well-formed Unicode, which names no client, all the same', async () => {
      const malformed = 'web\ud800';
      for (let i = 0; i < MAX_FAILURES; i++) {
        const request = await grants(i).clientCredentialsRequest({
          client_id: malformed,
          client_secret: 'guess',
        });
        expect(outcomeOf(request)).toBe('401 invalid_client');
      }
      expectRefused(
        await grants().clientCredentialsRequest({ client_id: malformed, client_secret: 'guess' }),
        'invalid_client',
      );
      expect(await redis.zcard(keys.attempts('client', malformed.toWellFormed(), 'unknown'))).toBe(
        MAX_FAILURES,
      );
    });

    it('counts at the token, revocation and introspection endpoints on one count', async () => {
      const wrong = { client_id: web.id, client_secret: 'wrong', token: 'x' };
      const right = { ...wrong, client_secret: web.secret as string };
      expect(outcomeOf(await clientCredentials(web, 'wrong'))).toBe('401 invalid_client');
      expect(outcomeOf(await clientCredentials(web, 'wrong', 1))).toBe('401 invalid_client');
      expect(outcomeOf(await grants(0).revocationRequest(wrong))).toBe('401 invalid_client');
      expect(outcomeOf(await grants(1).revocationRequest(wrong))).toBe('401 invalid_client');
      expect(outcomeOf(await grants(0).introspectionRequest(wrong))).toBe('401 invalid_client');

      expectRefused(await grants(1).introspectionRequest(right), 'invalid_client');
      expectRefused(await clientCredentials(web), 'invalid_client');
      const revocation = await grants(0).revocationRequest(right);
      expectRefused(revocation, 'invalid_client');
      const response = await revocation.respond();
      expect({
        status: response.status,
        cacheControl: response.headers['Cache-Control'],
        retryAfter: response.headers['Retry-After'],
        wwwAuthenticate: response.headers['WWW-Authenticate'],
        body: JSON.parse(response.body) as unknown,
      }).toEqual({
        status: 429,
        cacheControl: 'no-store',
        retryAfter: expect.stringMatching(/^[12]$/),
        wwwAuthenticate: undefined,
        body: {
          error: 'invalid_client',
          error_description:
            'too many failed client authentications; try again after Retry-After seconds',
        },
      });
    });
  });

  describe('password grant', () => {
    beforeEach(() => start({ bruteForce: LIMITS }));

    it('answers exactly maxFailures wrong passwords of a username across both instances, then 429 even for the right one until the window passes', async () => {
      const burst = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          password({ username: 'alice', password: `wrong-${i}` }, i),
        ),
      );
      expect(tally(burst.map(outcomeOf))).toEqual({
        '400 invalid_grant': MAX_FAILURES,
        '429 invalid_grant': BURST - MAX_FAILURES,
      });
      // Attempts over the limit are refused before the verifier sees them.
      expect(verifier.checked).toHaveLength(MAX_FAILURES);

      const right = { username: 'alice', password: 'wonderland' };
      for (const i of [0, 1]) expectRefused(await password(right, i), 'invalid_grant');
      expectRefused(await password({ ...right, username: 'ALICE' }), 'invalid_grant');
      expect(outcomeOf(await password({ username: 'bob', password: 'builder' }))).toBe('ok');

      const key = keys.attempts('username', 'alice', 'unknown');
      expect(await redis.zcard(key)).toBe(MAX_FAILURES);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);

      await sleep(WINDOW_SECONDS * 1000 + 100);
      for (const i of [0, 1]) expect(outcomeOf(await password(right, i))).toBe('ok');
      await sleep(50);
      expect(await redis.exists(key)).toBe(0);
    });

    it('withdraws a successful attempt, so that only failures stay counted', async () => {
      const right = { username: 'alice', password: 'wonderland' };
      for (let i = 0; i < MAX_FAILURES - 1; i++) {
        expect(outcomeOf(await password({ ...right, password: 'wrong' }, i))).toBe(
          '400 invalid_grant',
        );
      }
      for (let i = 0; i < MAX_FAILURES; i++) expect(outcomeOf(await password(right, i))).toBe('ok');
      await sleep(50);
      expect(await redis.zcard(keys.attempts('username', 'alice', 'unknown'))).toBe(
        MAX_FAILURES - 1,
      );
      expect(outcomeOf(await password({ ...right, password: 'wrong' }))).toBe('400 invalid_grant');
      expectRefused(await password(right), 'invalid_grant');
    });

    it('does not count a username whose password was never checked', async () => {
      const withBadClient = {
        username: 'alice',
        password: 'wrong',
        client_id: web.id,
        client_secret: 'wrong',
      };
      for (let i = 0; i < MAX_FAILURES; i++) {
        expect(outcomeOf(await password(withBadClient, i))).toBe('401 invalid_client');
      }
      expectRefused(await password(withBadClient), 'invalid_client');
      await sleep(50);
      expect(verifier.checked).toEqual([]);
      expect(await redis.exists(keys.attempts('username', 'alice', 'unknown'))).toBe(0);
      expect(outcomeOf(await password({ username: 'alice', password: 'wonderland' }))).toBe('ok');
    });
  });

  describe('with bruteForce: false', () => {
    beforeEach(() => start({ bruteForce: false }));

    it('counts nothing and refuses nothing', async () => {
      const burst = await wrongSecretBurst(web);
      expect(tally(burst.map(outcomeOf))).toEqual({ '401 invalid_client': BURST });
      for (let i = 0; i < BURST; i++) {
        expect(outcomeOf(await password({ username: 'alice', password: 'wrong' }, i))).toBe(
          '400 invalid_grant',
        );
      }
      expect(outcomeOf(await clientCredentials(web))).toBe('ok');
      expect(outcomeOf(await password({ username: 'alice', password: 'wonderland' }))).toBe('ok');
      const attemptKeys = [...(await dumpKeys(redis, prefix)).keys()].filter((key) =>
        key.endsWith(':attempts'),
      );
      expect(attemptKeys).toEqual([]);
    });
  });
});
