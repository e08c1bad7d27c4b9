import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import request from 'supertest';
import { ClientService } from '../../lib';
import { createSampleApp } from '../../sample/sample-app';
import { RedisServerMissingError, startEmbeddedRedis } from '../../sample/embedded-redis';
import { readSampleConfig } from '../../sample/sample-config';
import { connectSampleRedis, SampleRedis } from '../../sample/sample-redis';
import { runSampleUntilExit } from '../support/sample-process';
import { DocumentServer, startDocumentServer } from '../support/document-server';
import {
  connectTestRedis,
  deleteKeys,
  listKeys,
  sampleRedisEnv,
  testPrefix,
  testTopology,
} from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';

// Started as main.ts starts it: on the cluster run through REDIS_CLUSTER_NODES, otherwise
// through REDIS_URL.
describe(`sample app (${testTopology() === 'cluster' ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL'})`, () => {
  let app: INestApplication;
  let sampleRedis: SampleRedis;
  let redis: TestRedis;
  const prefix = testPrefix();

  beforeAll(async () => {
    redis = connectTestRedis();
    const config = readSampleConfig({
      ...sampleRedisEnv(),
      OAUTHIST_PREFIX: prefix,
      PORT: '0',
      SAMPLE_USERS: 'carol:secret,dave:right',
    });
    sampleRedis = await connectSampleRedis(config);
    app = await createSampleApp(config, sampleRedis.client, false);
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await sampleRedis.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('connects to the Redis its settings name', () => {
    expect(sampleRedis.client).toBeInstanceOf(testTopology() === 'cluster' ? Cluster : Redis);
  });

  it('serves its home page over HTTP with oauthist imported', async () => {
    const response = await request(app.getHttpServer()).get('/').expect(200);
    expect(response.text).toContain('oauthist sample authorization server');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('registers clients under the configured prefix', async () => {
    const client = await app.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
    const keys = await listKeys(redis, `${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith(`${prefix}:`))).toBe(true);
    expect(await app.get(ClientService).get(client.id)).not.toBeNull();
  });

  it('registers a client at POST /oauth/register and advertises it (RFC 7591 §3, RFC 8414 §2)', async () => {
    const server = app.getHttpServer();
    const response = await request(server)
      .post('/oauth/register')
      .send({ redirect_uris: ['https://client.example/cb'], client_name: 'Registered' });
    expect(response.status).toBe(201);
    expect(response.body.client_name).toBe('Registered');
    const client = await app.get(ClientService).get(response.body.client_id as string);
    expect(client?.origin).toBe('dynamic');
    const metadata = await request(server).get('/.well-known/oauth-authorization-server');
    expect(metadata.body.registration_endpoint).toMatch(/\/oauth\/register$/);
  });

  const sessionKeys = (): Promise<string[]> => listKeys(redis, `${prefix}:sample:session:*`);

  it('keeps a session in Redis under the prefix only once someone signs in, with a new id each time', async () => {
    const before = await sessionKeys();
    const agent = request.agent(app.getHttpServer());
    const form = await agent.get('/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    expect(csrf).toBeDefined();
    expect(await sessionKeys()).toEqual(before);
    const signIn = (): Promise<request.Response> =>
      agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrf, username: 'carol', password: 'secret', return_to: '/' })
        .expect(303);
    await signIn();
    const first = (await sessionKeys()).filter((key) => !before.includes(key));
    expect(first).toHaveLength(1);
    // Signing in again (the form's token is still the browser's) replaces the session.
    const again = await agent.get('/login').expect(200);
    expect(/name="_csrf" value="([^"]+)"/.exec(again.text)?.[1]).toBeDefined();
    await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(again.text)?.[1],
        username: 'carol',
        password: 'secret',
        return_to: '/',
      })
      .expect(303);
    const second = (await sessionKeys()).filter((key) => !before.includes(key));
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
  });

  it('makes Redis hold nothing for visitors who do not sign in: 300 cookieless GET / and /login', async () => {
    const before = await sessionKeys();
    const server = app.getHttpServer();
    for (let i = 0; i < 300; i++) {
      await request(server)
        .get(i % 2 === 0 ? '/' : '/login')
        .expect(200);
    }
    expect(await sessionKeys()).toEqual(before);
  });

  it("refuses a sign-in whose form token is not the browser's own (login CSRF)", async () => {
    const victim = request.agent(app.getHttpServer());
    await victim.get('/login').expect(200);
    const attacker = await request(app.getHttpServer()).get('/login').expect(200);
    const forged = /name="_csrf" value="([^"]+)"/.exec(attacker.text)?.[1];
    await victim
      .post('/login')
      .type('form')
      .send({ _csrf: forged, username: 'carol', password: 'secret', return_to: '/' })
      .expect(403);
  });

  it("limits wrong passwords on /login, on the password grant's counters (RFC 6749 §10.10)", async () => {
    const agent = request.agent(app.getHttpServer());
    const form = await agent.get('/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    const signIn = (password: string): request.Test =>
      agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrf, username: 'dave', password, return_to: '/' });
    // The default limit: 10 failures per username and address within 300 s.
    for (let i = 0; i < 10; i++) await signIn(`guess-${i}`).expect(401);
    const refused = await signIn('right').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.text).toContain('Too many failed sign-ins');
    expect(refused.headers['set-cookie'] ?? []).toHaveLength(0);
    // The token endpoint's password grant counts the same failures: no way round.
    const spa = await app.get(ClientService).create({
      clientType: 'user-agent',
      redirectUrls: ['https://spa.example/cb'],
    });
    const grant = await request(app.getHttpServer())
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'password', client_id: spa.id, username: 'DAVE', password: 'right' })
      .expect(429);
    expect(grant.body).toMatchObject({ error: 'invalid_grant' });
  });

  it.each(['allow', 'deny'])(
    'answers the consent form (%s) with a 303 that no cache may keep, as it carries the code',
    async (decision) => {
      const client = await app.get(ClientService).create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      const agent = await signedIn(app, 'carol', 'secret');
      const authorize = await agent
        .get('/oauth/authorize')
        .query({ response_type: 'code', client_id: client.id, scope: 'profile', state: 's' })
        .expect(302);
      const consent = await agent.get(authorize.headers.location).expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(consent.text)?.[1];
      const requestId = /name="request_id" value="([^"]+)"/.exec(consent.text)?.[1];
      const answer = await agent
        .post('/consent')
        .type('form')
        .send({ _csrf: csrf, request_id: requestId, decision })
        .expect(303);
      const location = new URL(answer.headers.location);
      expect(location.searchParams.has(decision === 'allow' ? 'code' : 'error')).toBe(true);
      // RFC 6749 §10.5, RFC 9700 §4.2.4: the code must not linger in a cache on the way.
      expect(answer.headers['cache-control']).toBe('no-store');
    },
  );
});

/** A browser signed in to `app` as `username`, through the sample's sign-in form. */
async function signedIn(
  app: INestApplication,
  username: string,
  password: string,
): Promise<ReturnType<typeof request.agent>> {
  const agent = request.agent(app.getHttpServer());
  const form = await agent.get('/login').expect(200);
  await agent
    .post('/login')
    .type('form')
    .send({
      _csrf: /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1],
      username,
      password,
      return_to: '/',
    })
    .expect(303);
  return agent;
}

/**
 * For the describe block that calls it: sample apps on the test Redis under one prefix, with
 * `users` signed up and the variables each test adds; closed, and their keys deleted, after it.
 */
function sampleAppsOf(users: string): {
  readonly prefix: string;
  sampleWith(env: Record<string, string>): Promise<INestApplication>;
} {
  const prefix = testPrefix();
  let sampleRedis: SampleRedis;
  let redis: TestRedis;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    redis = connectTestRedis();
    sampleRedis = await connectSampleRedis(readSampleConfig({ ...sampleRedisEnv() }));
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await sampleRedis.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  const sampleWith = async (env: Record<string, string>): Promise<INestApplication> => {
    const config = readSampleConfig({
      ...sampleRedisEnv(),
      OAUTHIST_PREFIX: prefix,
      SAMPLE_USERS: users,
      ...env,
    });
    const app = await createSampleApp(config, sampleRedis.client, false);
    await app.init();
    apps.push(app);
    return app;
  };
  return { prefix, sampleWith };
}

describe('the sample behind a TLS-terminating proxy (TRUST_PROXY)', () => {
  const { sampleWith } = sampleAppsOf('erin:pw');

  /** The Set-Cookie lines of signing in, over a proxy that says the browser used HTTPS. */
  async function signInOverHttps(app: INestApplication): Promise<string[]> {
    // By hand: a cookie jar keeps a Secure cookie from this plain-HTTP test connection.
    const server = app.getHttpServer();
    const form = await request(server).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    const loginCookie = ((form.headers['set-cookie'] as unknown as string[])[0] ?? '').split(
      ';',
    )[0];
    const signedIn = await request(server)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', loginCookie)
      .type('form')
      .send({ _csrf: csrf, username: 'erin', password: 'pw', return_to: '/' })
      .expect(303);
    return [
      ...((form.headers['set-cookie'] as unknown as string[] | undefined) ?? []),
      ...((signedIn.headers['set-cookie'] as unknown as string[] | undefined) ?? []),
    ].filter((line) => !/Expires=Thu, 01 Jan 1970/.test(line));
  }

  it('marks its cookies Secure when a trusted proxy says the browser used HTTPS', async () => {
    const cookies = await signInOverHttps(await sampleWith({ TRUST_PROXY: 'loopback' }));
    expect(cookies.length).toBeGreaterThanOrEqual(2);
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure/);
  });

  it('believes no such header without TRUST_PROXY: anyone could send it', async () => {
    const cookies = await signInOverHttps(await sampleWith({}));
    expect(cookies.length).toBeGreaterThanOrEqual(2);
    for (const cookie of cookies) expect(cookie).not.toMatch(/; Secure/);
  });

  it.each([
    ['', false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ])('reads TRUST_PROXY=%j as %j', (raw, value) => {
    expect(readSampleConfig({ TRUST_PROXY: raw }).trustProxy).toEqual(value);
  });

  it('refuses a TRUST_PROXY it cannot read, naming it', () => {
    expect(() => readSampleConfig({ TRUST_PROXY: 'a;b' })).toThrow(/TRUST_PROXY/);
  });
});

describe('refresh tokens of the sample (OAUTHIST_REFRESH_TOKEN_TTL)', () => {
  const { prefix, sampleWith } = sampleAppsOf('frank:pw');

  interface WebClient {
    readonly id: string;
    readonly secret: string;
  }

  /** The fields of a token response these tests read (RFC 6749 §5.1). */
  interface TokenResponse {
    readonly access_token: string;
    readonly refresh_token?: string;
  }

  /** The refresh token of a successful token response, which must have one. */
  function refreshTokenOf(response: request.Response): string {
    const { refresh_token: refreshToken } = response.body as TokenResponse;
    if (typeof refreshToken !== 'string') throw new Error('no refresh_token in the response');
    return refreshToken;
  }

  async function webClient(app: INestApplication): Promise<WebClient> {
    const client = await app.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
    if (client.secret === undefined) throw new Error('a web client without a secret');
    return { id: client.id, secret: client.secret };
  }

  /** frank signs in, allows `client` profile, and the client exchanges the code: the response. */
  async function codeExchange(app: INestApplication, client: WebClient): Promise<request.Response> {
    const agent = await signedIn(app, 'frank', 'pw');
    const authorize = await agent
      .get('/oauth/authorize')
      .query({ response_type: 'code', client_id: client.id, scope: 'profile', state: 's' })
      .expect(302);
    const consent = await agent.get(authorize.headers.location).expect(200);
    const answer = await agent
      .post('/consent')
      .type('form')
      .send({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(consent.text)?.[1],
        request_id: /name="request_id" value="([^"]+)"/.exec(consent.text)?.[1],
        decision: 'allow',
      })
      .expect(303);
    const code = new URL(answer.headers.location).searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    return request(app.getHttpServer())
      .post('/oauth/token')
      .auth(client.id, client.secret)
      .type('form')
      .send({ grant_type: 'authorization_code', code });
  }

  /** The password grant for frank, the client authenticating with HTTP Basic. */
  function passwordGrant(app: INestApplication, client: WebClient): request.Test {
    return request(app.getHttpServer())
      .post('/oauth/token')
      .auth(client.id, client.secret)
      .type('form')
      .send({ grant_type: 'password', username: 'frank', password: 'pw', scope: 'profile' });
  }

  function refreshGrant(
    app: INestApplication,
    client: WebClient,
    refreshToken: string,
  ): request.Test {
    return request(app.getHttpServer())
      .post('/oauth/token')
      .auth(client.id, client.secret)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async function grantTypes(app: INestApplication): Promise<string[]> {
    const metadata = await request(app.getHttpServer())
      .get('/.well-known/oauth-authorization-server')
      .expect(200);
    return (metadata.body as { grant_types_supported: string[] }).grant_types_supported;
  }

  /** `npm run cli -- ARGS` on this block's Redis and prefix: exit 0 and one JSON value. */
  async function cliJson(...args: string[]): Promise<unknown> {
    // A cluster in the surrounding shell would take precedence over the test's Redis.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !['REDIS_URL', 'REDIS_CLUSTER_NODES'].includes(name),
      ),
    );
    const run = await runSampleUntilExit(
      'cli',
      args,
      { ...inherited, ...sampleRedisEnv(), OAUTHIST_PREFIX: prefix },
      // The first run may build the sample.
      90_000,
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = run.stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]);
  }

  it.each([
    ['unset', {}],
    ['0', { OAUTHIST_REFRESH_TOKEN_TTL: '0' }],
  ])(
    'with OAUTHIST_REFRESH_TOKEN_TTL %s: no refresh_token from the code exchange or the password grant',
    async (_, env) => {
      const app = await sampleWith(env);
      const client = await webClient(app);
      for (const response of [await codeExchange(app, client), await passwordGrant(app, client)]) {
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ access_token: expect.any(String) });
        expect(response.body).not.toHaveProperty('refresh_token');
      }
      const refused = await refreshGrant(app, client, 'anything').expect(400);
      expect(refused.body).toMatchObject({ error: 'unsupported_grant_type' });
    },
  );

  it.each([
    ['unset', false, {}],
    ['0', false, { OAUTHIST_REFRESH_TOKEN_TTL: '0' }],
    ['3600', true, { OAUTHIST_REFRESH_TOKEN_TTL: '3600' }],
  ])(
    'with OAUTHIST_REFRESH_TOKEN_TTL %s, grant_types_supported lists refresh_token: %s (RFC 8414 §2)',
    async (_, listed, env) => {
      const types = await grantTypes(await sampleWith(env));
      expect(types).toContain('authorization_code');
      expect(types.includes('refresh_token')).toBe(listed);
    },
  );

  it('with OAUTHIST_REFRESH_TOKEN_TTL=3600: a refresh_token from the code exchange and the password grant, each one refreshing (RFC 6749 §5.1, §6)', async () => {
    const app = await sampleWith({ OAUTHIST_REFRESH_TOKEN_TTL: '3600' });
    const client = await webClient(app);
    for (const response of [await codeExchange(app, client), await passwordGrant(app, client)]) {
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
      });
      const renewed = await refreshGrant(app, client, refreshTokenOf(response)).expect(200);
      expect(renewed.body).toMatchObject({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
      });
      const me = await request(app.getHttpServer())
        .get('/api/me')
        .auth((renewed.body as TokenResponse).access_token, { type: 'bearer' })
        .expect(200);
      expect(me.body).toMatchObject({ user_id: 'frank', client_id: client.id, scope: 'profile' });
    }
  });

  it('`token revoke` revokes a live refresh token, whose refresh is then invalid_grant (RFC 7009 §2.1)', async () => {
    const app = await sampleWith({ OAUTHIST_REFRESH_TOKEN_TTL: '3600' });
    const client = await webClient(app);
    const issued = await codeExchange(app, client);
    expect(issued.status).toBe(200);
    const renewed = await refreshGrant(app, client, refreshTokenOf(issued)).expect(200);
    const accessToken = (renewed.body as TokenResponse).access_token;
    const refreshToken = refreshTokenOf(renewed);

    await expect(cliJson('token', 'revoke', refreshToken)).resolves.toEqual({ revoked: true });

    const refused = await refreshGrant(app, client, refreshToken).expect(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant' });
    // The access tokens of the same authorization go with it.
    await request(app.getHttpServer())
      .get('/api/me')
      .auth(accessToken, { type: 'bearer' })
      .expect(401);
    await expect(cliJson('token', 'revoke', refreshToken)).resolves.toEqual({ revoked: false });
  }, 120_000);
});

describe('sample forms with a body that is not a form', () => {
  let app: INestApplication;
  let sampleRedis: SampleRedis;
  let redis: TestRedis;
  let written: string[];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const prefix = testPrefix();

  beforeAll(async () => {
    redis = connectTestRedis();
    const config = readSampleConfig({ ...sampleRedisEnv(), OAUTHIST_PREFIX: prefix, PORT: '0' });
    sampleRedis = await connectSampleRedis(config);
    // The logger the sample runs with (errors and warnings), so that a stack would show.
    app = await createSampleApp(config, sampleRedis.client);
    await app.listen(0, '127.0.0.1');
  });

  beforeEach(() => {
    written = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      written.push(chunk.toString());
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
  });

  afterEach(() => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  });

  afterAll(async () => {
    await app.close();
    await sampleRedis.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  const bodies: [string, string | undefined, string | undefined, number][] = [
    ['JSON', 'application/json', '{"username":"carol"}', 415],
    ['a JSON array', 'application/json', '[1,2]', 415],
    ['malformed JSON', 'application/json', '{"username":', 400],
    ['plain text', 'text/plain', 'username=carol', 415],
    ['no body and no type', undefined, undefined, 415],
  ];

  describe.each(['/login', '/consent', '/logout', '/account/apps/revoke'])('POST %s', (path) => {
    it.each(bodies)(
      'with %s (Content-Type %s): a 4xx, nothing in the log',
      async (_, type, body, status) => {
        let call = request(app.getHttpServer()).post(path);
        if (type !== undefined) call = call.set('Content-Type', type);
        const response = await (body === undefined ? call : call.send(body));
        expect(response.status).toBe(status);
        expect(written.join('')).toBe('');
      },
    );
  });
});

describe('connected apps and remembered consent of the sample', () => {
  const { sampleWith } = sampleAppsOf('ivy:pw,jay:pw');
  const ISSUER = 'https://as.example';
  const REDIRECT = 'https://client.example/cb';
  let app: INestApplication;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    app = await sampleWith({ OAUTHIST_ISSUER: ISSUER });
  });

  beforeEach(async () => {
    // A client of its own per test: what one test allowed never covers another's request.
    const made = await app.get(ClientService).create({
      clientType: 'web',
      redirectUrls: [REDIRECT],
      attributes: { name: 'Calendar <Sync>' },
    });
    client = { id: made.id, secret: made.secret as string };
  });

  type Agent = ReturnType<typeof request.agent>;

  /** An authorization request of the client; `agent` carries the session, if any. */
  function authorize(
    agent: Agent | null,
    query: Record<string, string> = {},
  ): Promise<request.Response> {
    const call = (agent ?? request(app.getHttpServer())).get('/oauth/authorize').query({
      response_type: 'code',
      client_id: client.id,
      scope: 'profile',
      state: 'xyz',
      ...query,
    });
    return call.expect(302);
  }

  /** The query of a redirect to the client, or `null` when it stays on the sample. */
  function atClient(response: request.Response): Record<string, string> | null {
    const location = String(response.headers.location);
    if (!location.startsWith(`${REDIRECT}?`)) return null;
    return Object.fromEntries(new URL(location).searchParams);
  }

  /** `user` allows the client `scope` on the consent page and redeems the code: the token. */
  async function allow(agent: Agent, scope = 'profile'): Promise<string> {
    const sent = await authorize(agent, { scope, prompt: 'consent' });
    const page = await agent.get(String(sent.headers.location)).expect(200);
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)?.[1];
    const answered = await agent
      .post('/consent')
      .type('form')
      .send({ _csrf: field('_csrf'), request_id: field('request_id'), decision: 'allow' })
      .expect(303);
    return redeem(atClient(answered));
  }

  async function redeem(query: Record<string, string> | null): Promise<string> {
    expect(query).toEqual({ code: expect.any(String), state: 'xyz', iss: ISSUER });
    const issued = await request(app.getHttpServer())
      .post('/oauth/token')
      .auth(client.id, client.secret)
      .type('form')
      .send({ grant_type: 'authorization_code', code: query?.code, redirect_uri: REDIRECT })
      .expect(200);
    return (issued.body as { access_token: string }).access_token;
  }

  function meStatus(accessToken: string): Promise<number> {
    return request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${accessToken}`)
      .then((response) => response.status);
  }

  /**
   * `consentUrl` sends `agent` to the sign-in page and back; `user` signs in there, and the
   * sample answers with the way back.
   */
  async function signInThrough(agent: Agent, consentUrl: string, user: string): Promise<void> {
    const toLogin = await agent.get(consentUrl).expect(302);
    expect(toLogin.headers.location).toBe(`/login?return_to=${encodeURIComponent(consentUrl)}`);
    const form = await agent.get('/login').expect(200);
    const signedInThere = await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1],
        username: user,
        password: 'pw',
        return_to: consentUrl,
      })
      .expect(303);
    expect(signedInThere.headers.location).toBe(consentUrl);
  }

  /** The session's CSRF token, from the home page's sign-out form. */
  async function csrfOf(agent: Agent): Promise<string> {
    const page = await agent.get('/').expect(200);
    return /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  }

  it('sends a signed-in user who already allowed the scopes (or more) straight back with a code', async () => {
    const agent = await signedIn(app, 'ivy', 'pw');
    await allow(agent, 'profile admin');
    for (const scope of ['profile admin', 'profile', 'admin']) {
      const token = await redeem(atClient(await authorize(agent, { scope })));
      await expect(meStatus(token)).resolves.toBe(scope.includes('profile') ? 200 : 403);
    }
  });

  it('asks again for more scopes than allowed, for another user, and whenever prompt=consent', async () => {
    const ivy = await signedIn(app, 'ivy', 'pw');
    await allow(ivy);
    const asked = [
      await authorize(ivy, { scope: 'profile admin' }),
      await authorize(ivy, { prompt: 'consent' }),
      await authorize(await signedIn(app, 'jay', 'pw')),
    ];
    for (const response of asked) {
      expect(String(response.headers.location)).toMatch(/^\/consent\?request_id=/);
    }
  });

  it('sends a covered request back from the consent URL once the user signed in there', async () => {
    const ivy = await signedIn(app, 'ivy', 'pw');
    await allow(ivy);
    const visitor = request.agent(app.getHttpServer());
    const consentUrl = String((await authorize(visitor)).headers.location);
    expect(consentUrl).toMatch(/^\/consent\?request_id=/);
    await signInThrough(visitor, consentUrl, 'ivy');
    await redeem(atClient(await visitor.get(consentUrl).expect(303)));
  });

  it('answers prompt=none with login_required without a session, consent_required without consent, a code with it (OpenID Connect Core 1.0 §3.1.2.6)', async () => {
    expect(atClient(await authorize(null, { prompt: 'none' }))).toMatchObject({
      error: 'login_required',
      state: 'xyz',
      iss: ISSUER,
    });
    const ivy = await signedIn(app, 'ivy', 'pw');
    expect(atClient(await authorize(ivy, { prompt: 'none' }))).toMatchObject({
      error: 'consent_required',
      state: 'xyz',
      iss: ISSUER,
    });
    await allow(ivy);
    await redeem(atClient(await authorize(ivy, { prompt: 'none' })));
  });

  it('makes a user signed in before a prompt=login request sign in again, then asks (OpenID Connect Core 1.0 §3.1.2.1)', async () => {
    const ivy = await signedIn(app, 'ivy', 'pw');
    await allow(ivy);
    const consentUrl = String((await authorize(ivy, { prompt: 'login' })).headers.location);
    expect(consentUrl).toMatch(/^\/consent\?request_id=/);
    await signInThrough(ivy, consentUrl, 'ivy');
    // Signed in since: the consent page, though the consent covers the request.
    const page = await ivy.get(consentUrl).expect(200);
    expect(page.text).toContain('Allow');
    // Without prompt=login the same session is enough.
    const again = String((await authorize(ivy, { prompt: 'consent' })).headers.location);
    await ivy.get(again).expect(200);
  });

  it('refuses prompt=none with another value as invalid_request (OpenID Connect Core 1.0 §3.1.2.1)', async () => {
    for (const prompt of ['none consent', 'none login', 'none other']) {
      expect(atClient(await authorize(null, { prompt }))).toMatchObject({
        error: 'invalid_request',
        state: 'xyz',
      });
    }
  });

  it('lists each connected client on /account/apps by name with its scopes, escaped, with a Revoke button', async () => {
    const ivy = await signedIn(app, 'ivy', 'pw');
    await allow(ivy, 'profile admin');
    const page = await ivy.get('/account/apps').expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('Calendar &lt;Sync&gt;');
    expect(page.text).not.toContain('Calendar <Sync>');
    expect(page.text).toContain('<code>admin</code>');
    expect(page.text).toContain('<code>profile</code>');
    expect(page.text).toContain(`name="client_id" value="${client.id}"`);
    expect(page.text).toMatch(/<button type="submit">Revoke<\/button>/);
    // jay's page shows none of ivy's grants.
    const jay = await signedIn(app, 'jay', 'pw');
    expect((await jay.get('/account/apps').expect(200)).text).not.toContain(client.id);
  });

  it('sends a visitor who is not signed in to the sign-in page, and back', async () => {
    const response = await request(app.getHttpServer()).get('/account/apps').expect(302);
    expect(response.headers.location).toBe('/login?return_to=%2Faccount%2Fapps');
  });

  it('Revoke takes back every token and the consent the user gave the client, and the page no longer lists it (RFC 7009 §2.1)', async () => {
    const ivy = await signedIn(app, 'ivy', 'pw');
    const tokens = [await allow(ivy), await redeem(atClient(await authorize(ivy)))];
    const revoked = await ivy
      .post('/account/apps/revoke')
      .type('form')
      .send({ _csrf: await csrfOf(ivy), client_id: client.id })
      .expect(303);
    expect(revoked.headers.location).toBe('/account/apps');
    for (const token of tokens) await expect(meStatus(token)).resolves.toBe(401);
    expect((await ivy.get('/account/apps').expect(200)).text).not.toContain(client.id);
    expect(String((await authorize(ivy)).headers.location)).toMatch(/^\/consent\?/);
  });

  it("refuses a Revoke without the session's CSRF token, or without a session, and revokes nothing", async () => {
    const ivy = await signedIn(app, 'ivy', 'pw');
    const token = await allow(ivy);
    await ivy
      .post('/account/apps/revoke')
      .type('form')
      .send({ _csrf: 'forged', client_id: client.id })
      .expect(403);
    await request(app.getHttpServer())
      .post('/account/apps/revoke')
      .type('form')
      .send({ _csrf: await csrfOf(ivy), client_id: client.id })
      .expect(403);
    await expect(meStatus(token)).resolves.toBe(200);
  });

  it("refuses a Revoke that names no client id (RFC 6749 appendix A.1) with 400, and never touches another user's grant", async () => {
    const ivy = await signedIn(app, 'ivy', 'pw');
    const token = await allow(ivy);
    const jay = await signedIn(app, 'jay', 'pw');
    for (const clientId of [undefined, '', 'caf\u00e9', 'tab\tin']) {
      await jay
        .post('/account/apps/revoke')
        .type('form')
        .send({
          _csrf: await csrfOf(jay),
          ...(clientId === undefined ? {} : { client_id: clientId }),
        })
        .expect(400);
    }
    // jay names ivy's client: only jay's own grant to it (none) is revoked.
    await jay
      .post('/account/apps/revoke')
      .type('form')
      .send({ _csrf: await csrfOf(jay), client_id: client.id })
      .expect(303);
    await expect(meStatus(token)).resolves.toBe(200);
    expect((await ivy.get('/account/apps').expect(200)).text).toContain(client.id);
  });
});

describe('sample configuration', () => {
  it('has the defaults of the contract', () => {
    const config = readSampleConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      prefix: 'oauthist',
      issuer: 'http://127.0.0.1:3000',
      scopes: ['profile', 'email', 'admin'],
      authorizationCodeTtl: 3600,
      accessTokenTtl: null,
      refreshTokenTtl: null,
      refreshReuseGrace: 0,
      redisUrl: undefined,
      redisClusterNodes: undefined,
    });
    expect([...config.users]).toEqual([['demo', 'demo']]);
  });

  it('reads every variable of the contract', () => {
    const config = readSampleConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      OAUTHIST_PREFIX: 'p',
      OAUTHIST_ISSUER: 'https://as.example',
      OAUTHIST_SCOPES: '',
      OAUTHIST_CODE_TTL: '60',
      OAUTHIST_ACCESS_TOKEN_TTL: '300',
      OAUTHIST_REFRESH_TOKEN_TTL: '86400',
      OAUTHIST_REFRESH_REUSE_GRACE: '10',
      SAMPLE_USERS: 'alice:a:b,bob:pw',
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      prefix: 'p',
      issuer: 'https://as.example',
      scopes: [],
      authorizationCodeTtl: 60,
      accessTokenTtl: 300,
      refreshTokenTtl: 86400,
      refreshReuseGrace: 10,
      redisUrl: 'redis://127.0.0.1:1',
      redisClusterNodes: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
      ],
    });
    expect(config.users.get('alice')).toBe('a:b');
  });

  it.each([
    [{ PORT: 'x' }, /PORT/],
    [{ OAUTHIST_CODE_TTL: '-1' }, /OAUTHIST_CODE_TTL/],
    [{ OAUTHIST_REFRESH_TOKEN_TTL: '1.5' }, /OAUTHIST_REFRESH_TOKEN_TTL/],
    [{ OAUTHIST_REFRESH_REUSE_GRACE: '-1' }, /OAUTHIST_REFRESH_REUSE_GRACE/],
    [{ SAMPLE_USERS: 'nopassword' }, /SAMPLE_USERS/],
    [{ REDIS_CLUSTER_NODES: 'host-without-port' }, /REDIS_CLUSTER_NODES/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => readSampleConfig(env)).toThrow(message);
  });
});

describe('embedded redis-server', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauthist-embedded-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function withClient<T>(socketPath: string, use: (client: Redis) => Promise<T>): Promise<T> {
    const client = new Redis({ path: socketPath });
    try {
      return await use(client);
    } finally {
      client.disconnect();
    }
  }

  it('listens on a unix socket only and keeps data across restarts', async () => {
    const first = await startEmbeddedRedis(join(dir, 'data'));
    await withClient(first.socketPath, async (client) => {
      expect(await client.config('GET', 'port')).toEqual(['port', '0']);
      await client.set('oauthist:probe', 'kept');
    });
    await first.stop();

    const second = await startEmbeddedRedis(join(dir, 'data'));
    expect(await withClient(second.socketPath, (client) => client.get('oauthist:probe'))).toBe(
      'kept',
    );
    await second.stop();
  });

  it('shares a running server instead of starting a second one, and leaves it running', async () => {
    const owner = await startEmbeddedRedis(join(dir, 'data'));
    const sharer = await startEmbeddedRedis(join(dir, 'data'));
    await sharer.stop();
    expect(await withClient(owner.socketPath, (client) => client.ping())).toBe('PONG');
    await owner.stop();
  });

  /** Whether a server answers on the socket, asked once, without retrying. */
  async function answers(socketPath: string): Promise<boolean> {
    const client = new Redis({
      path: socketPath,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** The start time /proc gives `pid`, as the owner file records it. */
  function startTimeOf(pid: number): string {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  }

  it.each([
    ['has ended', { pid: 2 ** 22 + 1, startTime: '1' }],
    // A pid that a later process reuses: alive, but not the process that wrote the file.
    ['left a pid that another process now has', { pid: 1, startTime: 'not-its-start-time' }],
    ['is unknown (no owner file)', undefined],
  ])(
    'adopts a running server whose owner %s, and stops it when done, data kept',
    async (_case, ownerFile) => {
      const data = join(dir, 'data');
      const first = await startEmbeddedRedis(data);
      await withClient(first.socketPath, (client) => client.set('oauthist:probe', 'kept'));
      if (ownerFile) writeFileSync(join(data, 'redis.owner'), JSON.stringify(ownerFile));
      else rmSync(join(data, 'redis.owner'));

      const adopter = await startEmbeddedRedis(data);
      await adopter.stop();
      expect(await answers(first.socketPath)).toBe(false);
      const again = await startEmbeddedRedis(data);
      expect(await withClient(again.socketPath, (client) => client.get('oauthist:probe'))).toBe(
        'kept',
      );
      await again.stop();
      await first.stop();
    },
  );

  it('shares a running server whose owner is another living process, and leaves it running', async () => {
    const data = join(dir, 'data');
    const first = await startEmbeddedRedis(data);
    writeFileSync(join(data, 'redis.owner'), JSON.stringify({ pid: 1, startTime: startTimeOf(1) }));
    const sharer = await startEmbeddedRedis(data);
    await sharer.stop();
    expect(await withClient(first.socketPath, (client) => client.ping())).toBe('PONG');
    await first.stop();
  });

  it('says in one line how to get redis-server when it is not on PATH', async () => {
    const failure = await startEmbeddedRedis(join(dir, 'data'), join(dir, 'no-redis-server')).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RedisServerMissingError);
    expect((failure as Error).message).toMatch(/apt-get install redis-server.*REDIS_URL/);
    expect((failure as Error).message).not.toContain('\n');
  });
});

describe('resource indicators of the sample (RFC 8707, RFC 9728)', () => {
  const { sampleWith } = sampleAppsOf('grace:pw');
  const ISSUER = 'https://as.example';
  let app: INestApplication;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    app = await sampleWith({ OAUTHIST_ISSUER: ISSUER });
    const made = await app.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
    client = { id: made.id, secret: made.secret as string };
  });

  /** grace's password grant for `resource`: the response. */
  function passwordGrant(resource?: string): request.Test {
    return request(app.getHttpServer())
      .post('/oauth/token')
      .auth(client.id, client.secret)
      .type('form')
      .send({
        grant_type: 'password',
        username: 'grace',
        password: 'pw',
        scope: 'profile',
        ...(resource === undefined ? {} : { resource }),
      });
  }

  function me(accessToken: string): request.Test {
    return request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${accessToken}`);
  }

  it('/api takes a token bound to ISSUER/api, and one with no audience', async () => {
    for (const resource of [`${ISSUER}/api`, undefined]) {
      const issued = await passwordGrant(resource).expect(200);
      await me((issued.body as { access_token: string }).access_token).expect(200);
    }
  });

  it('/api refuses a token bound only to ISSUER/mcp with 401 invalid_token', async () => {
    const issued = await passwordGrant(`${ISSUER}/mcp`).expect(200);
    const refused = await me((issued.body as { access_token: string }).access_token).expect(401);
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="oauthist", error="invalid_token", error_description="the access token was ' +
        'issued for another resource (RFC 8707 section 2)", resource_metadata="' +
        `${ISSUER}/.well-known/oauth-protected-resource/api"`,
    );
  });

  it('any other resource is invalid_target', async () => {
    const refused = await passwordGrant('https://other.example/').expect(400);
    expect(refused.body).toMatchObject({ error: 'invalid_target' });
  });

  /** The consent page grace sees for an authorization request naming `resource`. */
  async function consentPage(resource?: string): Promise<string> {
    const agent = await signedIn(app, 'grace', 'pw');
    const authorize = await agent
      .get('/oauth/authorize')
      .query({
        response_type: 'code',
        client_id: client.id,
        scope: 'profile',
        ...(resource === undefined ? {} : { resource }),
      })
      .expect(302);
    return (await agent.get(authorize.headers.location).expect(200)).text;
  }

  it('shows the user the resources the token will be good for', async () => {
    expect(await consentPage(`${ISSUER}/mcp`)).toContain(
      `<p>Only at:</p><ul class="resources"><li><code>${ISSUER}/mcp</code></li></ul>`,
    );
    expect(await consentPage()).not.toContain('Only at:');
  });

  /** A JSON-RPC request to the sample's MCP endpoint, as a Streamable HTTP client sends it. */
  function mcp(accessToken: string | undefined, body: object): request.Test {
    const call = request(app.getHttpServer())
      .post('/mcp')
      .set('Accept', 'application/json, text/event-stream')
      .send({ jsonrpc: '2.0', ...body });
    return accessToken === undefined ? call : call.set('Authorization', `Bearer ${accessToken}`);
  }

  /** The JSON-RPC messages of a Streamable HTTP answer sent as an event stream. */
  function messagesOf(response: request.Response): unknown[] {
    return response.text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice('data: '.length)) as unknown);
  }

  it('POST /mcp asks a caller without a token to read ISSUER/mcp metadata (RFC 9728 §5.1)', async () => {
    const refused = await mcp(undefined, { id: 1, method: 'tools/list' }).expect(401);
    expect(refused.headers['www-authenticate']).toBe(
      `Bearer realm="oauthist", resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it('POST /mcp refuses a token with no audience, and one bound to ISSUER/api', async () => {
    for (const resource of [undefined, `${ISSUER}/api`]) {
      const issued = await passwordGrant(resource).expect(200);
      const token = (issued.body as { access_token: string }).access_token;
      const refused = await mcp(token, { id: 1, method: 'tools/list' }).expect(401);
      expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(refused.headers['www-authenticate']).toContain(
        `resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/mcp"`,
      );
    }
  });

  it("POST /mcp runs whoami for a token bound to ISSUER/mcp: grace, her client and the token's scope", async () => {
    const issued = await passwordGrant(`${ISSUER}/mcp`).expect(200);
    const token = (issued.body as { access_token: string }).access_token;
    const initialized = await mcp(token, {
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'sample-e2e', version: '1.0.0' },
      },
    }).expect(200);
    expect(messagesOf(initialized)).toEqual([
      expect.objectContaining({
        id: 1,
        result: expect.objectContaining({ capabilities: { tools: expect.any(Object) } }),
      }),
    ]);
    const listed = await mcp(token, { id: 2, method: 'tools/list' }).expect(200);
    expect(messagesOf(listed)).toEqual([
      expect.objectContaining({
        result: expect.objectContaining({ tools: [expect.objectContaining({ name: 'whoami' })] }),
      }),
    ]);
    const called = await mcp(token, {
      id: 3,
      method: 'tools/call',
      params: { name: 'whoami', arguments: {} },
    }).expect(200);
    expect(messagesOf(called)).toEqual([
      expect.objectContaining({
        id: 3,
        result: expect.objectContaining({
          structuredContent: { user_id: 'grace', client_id: client.id, scope: 'profile' },
        }),
      }),
    ]);
  });

  it('GET and DELETE /mcp are 405 for a stateless server, after the token is checked', async () => {
    await request(app.getHttpServer()).get('/mcp').expect(401);
    const issued = await passwordGrant(`${ISSUER}/mcp`).expect(200);
    const token = (issued.body as { access_token: string }).access_token;
    for (const method of ['get', 'delete'] as const) {
      const server = request(app.getHttpServer());
      const answer = await (method === 'get' ? server.get('/mcp') : server.delete('/mcp'))
        .set('Authorization', `Bearer ${token}`)
        .expect(405);
      expect(answer.headers.allow).toBe('POST');
    }
  });

  it('serves the metadata of ISSUER/mcp (RFC 9728 §3)', async () => {
    const response = await request(app.getHttpServer())
      .get('/.well-known/oauth-protected-resource/mcp')
      .expect(200);
    expect(response.body).toEqual({
      resource: `${ISSUER}/mcp`,
      authorization_servers: [ISSUER],
      scopes_supported: expect.any(Array),
      bearer_methods_supported: ['header', 'body', 'query'],
    });
  });
});

describe('client metadata documents in the sample (OAUTHIST_CIMD_ALLOW_LOOPBACK)', () => {
  const { sampleWith } = sampleAppsOf('heidi:pw');
  let documents: DocumentServer;

  beforeAll(async () => {
    documents = await startDocumentServer();
  });
  afterAll(() => documents.close());

  it('advertises client_id_metadata_document_supported', async () => {
    const app = await sampleWith({});
    const response = await request(app.getHttpServer())
      .get('/.well-known/oauth-authorization-server')
      .expect(200);
    expect(response.body).toMatchObject({ client_id_metadata_document_supported: true });
  });

  it('refuses a loopback http document unless OAUTHIST_CIMD_ALLOW_LOOPBACK=1', async () => {
    const app = await sampleWith({});
    const clientId = documents.serveDocument('/off.json');
    const response = await request(app.getHttpServer())
      .get('/oauth/authorize')
      .query({ response_type: 'code', client_id: clientId, code_challenge: 'x'.repeat(43) });
    expect(response.status).toBe(400);
    expect(documents.hits('/off.json')).toBe(0);
  });

  it("the consent page names the client and, prominently, its document's host, escaped", async () => {
    const app = await sampleWith({ OAUTHIST_CIMD_ALLOW_LOOPBACK: '1' });
    const clientId = documents.serveDocument('/client.json', {
      client_name: 'Cool <App>',
      redirect_uris: ['http://127.0.0.1:9/cb'],
    });
    const agent = await signedIn(app, 'heidi', 'pw');
    const authorize = await agent
      .get('/oauth/authorize')
      .query({
        response_type: 'code',
        client_id: clientId,
        scope: 'profile',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })
      .expect(302);
    const page = (await agent.get(authorize.headers.location).expect(200)).text;
    expect(page).toContain(
      '<h1>Allow <strong>Cool &lt;App&gt;</strong> to access your account?</h1>',
    );
    expect(page).toContain(
      `<p class="client-host">Client metadata from <strong>${new URL(documents.origin).host}</strong></p>`,
    );
  });
});
