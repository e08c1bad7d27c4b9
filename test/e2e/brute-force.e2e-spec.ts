import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ClientService } from '../../lib';
import type { RegisteredClient, UserCredentialsVerifier } from '../../lib';
import { RedisKeys } from '../../lib/redis/redis-keys';
import { ADAPTERS, Adapter, createHttpApp } from '../fixtures/http-app';
import { basic, sleep } from '../support/grants';
import { basicOf, secretOf } from '../support/http-flows';
import {
  BASIC_CHALLENGE,
  expectTokenError,
  expectTokenSuccess,
  headerOf,
} from '../support/rfc-assertions';
import {
  connectTestRedis,
  deleteKeys,
  dumpKeys,
  testPrefix,
  testRedisOption,
} from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';
import { ModuleOptions, withVerifier } from '../support/module-options';

const MAX_FAILURES = 4;
const WINDOW_SECONDS = 2;
const BURST = 10;
const CALLBACK = 'https://client.example/cb';

const passwordVerifier: UserCredentialsVerifier = {
  verify: (username, password) =>
    password === `${username}-password` ? { userId: username } : null,
};

const CLIENT_REFUSAL = {
  status: 429,
  error: 'invalid_client',
  description: 'too many failed client authentications; try again after Retry-After seconds',
};

const USERNAME_REFUSAL = {
  status: 429,
  error: 'invalid_grant',
  description: 'too many failed sign-ins for this username; try again after Retry-After seconds',
};

/** A 429 of the token endpoint: RFC 6749 §5.2 JSON, no-store, and Retry-After within the window. */
function expectTooMany(response: request.Response, refusal: typeof CLIENT_REFUSAL): void {
  expectTokenError(response, refusal);
  const retryAfter = Number(headerOf(response, 'Retry-After'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

/** Two copies of one app, on one Redis and one key prefix, as a deployment scales out. */
interface TwoApps {
  readonly servers: [Server, Server];
  readonly prefix: string;
  readonly clients: ClientService;
  close(): Promise<void>;
}

async function startTwoApps(
  adapter: Adapter,
  options: Omit<ModuleOptions, 'redis' | 'prefix'>,
): Promise<TwoApps> {
  const prefix = testPrefix();
  const settings = { ...options, redis: testRedisOption(), prefix };
  const apps: INestApplication[] = [
    await createHttpApp(adapter, settings),
    await createHttpApp(adapter, settings),
  ];
  return {
    servers: [apps[0].getHttpServer() as Server, apps[1].getHttpServer() as Server],
    prefix,
    clients: apps[0].get(ClientService),
    close: async () => {
      await Promise.all(apps.map((app) => app.close()));
      const redis = connectTestRedis();
      try {
        await deleteKeys(redis, prefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}

describe.each(ADAPTERS)('brute-force protection over HTTP (%s)', (adapter) => {
  let apps: TwoApps;
  let keys: RedisKeys;
  let redis: TestRedis;
  let publicClient: RegisteredClient;

  beforeAll(async () => {
    apps = await startTwoApps(adapter, {
      ...withVerifier(passwordVerifier),
      bruteForce: { maxFailures: MAX_FAILURES, windowSeconds: WINDOW_SECONDS },
    });
    keys = new RedisKeys(apps.prefix);
    redis = connectTestRedis();
    // RFC 6749 §4.3.2: the token endpoint takes a password grant only from a named client.
    publicClient = await apps.clients.create({
      clientType: 'user-agent',
      redirectUrls: [CALLBACK],
    });
  });
  afterAll(async () => {
    redis.disconnect();
    await apps.close();
  });

  /** POST to an endpoint of app `i % 2`. */
  function post(path: string, i = 0): request.Test {
    return request(apps.servers[i % 2])
      .post(path)
      .type('form');
  }

  function clientCredentials(authorization: string, i = 0): request.Test {
    return post('/oauth/token', i)
      .set('Authorization', authorization)
      .send({ grant_type: 'client_credentials' });
  }

  function signIn(username: string, password: string, i = 0): request.Test {
    return post('/oauth/token', i).send({
      grant_type: 'password',
      client_id: publicClient.id,
      username,
      password,
    });
  }

  function newClient(): Promise<RegisteredClient> {
    return apps.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
  }

  async function expectWindowTtl(key: string): Promise<void> {
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);
  }

  it('answers exactly maxFailures wrong secrets sent to both apps, then 429 with Retry-After even for the right secret, until the window passes', async () => {
    const client = await newClient();
    const burst = await Promise.all(
      Array.from({ length: BURST }, (_, i) => clientCredentials(basic(client.id, `wrong-${i}`), i)),
    );
    const failed = burst.filter((response) => response.status === 401);
    const refused = burst.filter((response) => response.status === 429);
    expect([failed.length, refused.length]).toEqual([MAX_FAILURES, BURST - MAX_FAILURES]);
    for (const response of failed) {
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'client authentication failed',
        challenge: BASIC_CHALLENGE,
      });
    }
    for (const response of refused) expectTooMany(response, CLIENT_REFUSAL);

    const right = basicOf(client);
    for (const i of [0, 1]) {
      expectTooMany(await clientCredentials(right, i), CLIENT_REFUSAL);
      expectTooMany(
        await post('/oauth/revoke', i).set('Authorization', right).send({ token: 'x' }),
        CLIENT_REFUSAL,
      );
      expectTooMany(
        await post('/oauth/introspect', i).set('Authorization', right).send({ token: 'x' }),
        CLIENT_REFUSAL,
      );
    }
    const key = keys.attempts('client', client.id, '127.0.0.1');
    expect(await redis.zcard(key)).toBe(MAX_FAILURES);
    await expectWindowTtl(key);

    await sleep(WINDOW_SECONDS * 1000 + 100);
    for (const i of [0, 1]) expectTokenSuccess(await clientCredentials(right, i));
    expect(await redis.exists(key)).toBe(0);
  });

  it('counts failures at the revocation and introspection endpoints, and not against another client', async () => {
    const client = await newClient();
    const bystander = await newClient();
    const wrong = basic(client.id, 'wrong');
    for (let i = 0; i < MAX_FAILURES; i++) {
      const path = i % 2 === 0 ? '/oauth/revoke' : '/oauth/introspect';
      const response = await post(path, i).set('Authorization', wrong).send({ token: 'x' });
      expect(response.status).toBe(401);
    }
    expectTooMany(await clientCredentials(basicOf(client), 1), CLIENT_REFUSAL);
    expectTokenSuccess(await clientCredentials(basicOf(bystander), 0));
    expect(await redis.exists(keys.attempts('client', bystander.id, '127.0.0.1'))).toBe(0);
  });

  it('answers exactly maxFailures wrong passwords of one username across both apps, then 429 until the window passes', async () => {
    const username = `user-${adapter}`;
    const burst = await Promise.all(
      Array.from({ length: BURST }, (_, i) => signIn(username, `wrong-${i}`, i)),
    );
    const failed = burst.filter((response) => response.status === 400);
    const refused = burst.filter((response) => response.status === 429);
    expect([failed.length, refused.length]).toEqual([MAX_FAILURES, BURST - MAX_FAILURES]);
    for (const response of failed) {
      expectTokenError(response, {
        status: 400,
        error: 'invalid_grant',
        description: 'the username or password is wrong',
      });
    }
    for (const response of refused) expectTooMany(response, USERNAME_REFUSAL);

    for (const i of [0, 1]) {
      expectTooMany(await signIn(username, `${username}-password`, i), USERNAME_REFUSAL);
    }
    expectTokenSuccess(await signIn('someone-else', 'someone-else-password'));
    const key = keys.attempts('username', username, '127.0.0.1');
    expect(await redis.zcard(key)).toBe(MAX_FAILURES);
    await expectWindowTtl(key);

    await sleep(WINDOW_SECONDS * 1000 + 100);
    for (const i of [0, 1]) expectTokenSuccess(await signIn(username, `${username}-password`, i));
  });
});

describe.each(ADAPTERS)('with bruteForce: false (%s)', (adapter) => {
  let apps: TwoApps;

  beforeAll(async () => {
    apps = await startTwoApps(adapter, { ...withVerifier(passwordVerifier), bruteForce: false });
  });
  afterAll(() => apps.close());

  it('counts nothing and refuses nothing', async () => {
    const client = await apps.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    const server = (i: number) => request(apps.servers[i % 2]);
    const wrongSecrets = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        server(i)
          .post('/oauth/token')
          .type('form')
          .set('Authorization', basic(client.id, `wrong-${i}`))
          .send({ grant_type: 'client_credentials' }),
      ),
    );
    expect(wrongSecrets.map((response) => response.status)).toEqual(Array(BURST).fill(401));
    const wrongPasswords = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        server(i)
          .post('/oauth/token')
          .type('form')
          .send({
            grant_type: 'password',
            client_id: client.id,
            client_secret: secretOf(client),
            username: 'alice',
            password: 'wrong',
          }),
      ),
    );
    expect(wrongPasswords.map((response) => response.status)).toEqual(Array(BURST).fill(400));
    expectTokenSuccess(
      await server(0)
        .post('/oauth/token')
        .type('form')
        .set('Authorization', basicOf(client))
        .send({ grant_type: 'client_credentials' }),
    );
    const redis = connectTestRedis();
    try {
      const dump = await dumpKeys(redis, apps.prefix);
      expect([...dump.keys()].filter((key) => key.endsWith(':attempts'))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
