import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ClientService } from '../../lib';
import type { RegisteredClient } from '../../lib';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { ADAPTERS, createHttpApp } from '../fixtures/http-app';
import { basicOf, clientCredentialsToken } from '../support/http-flows';
import { ThrowawayRedis, startRedisServer, startRedisServerOnPort } from '../support/redis-server';
import {
  expectBearerRefusal,
  expectErrorPage,
  expectTokenError,
  headerOf,
  mediaTypeOf,
} from '../support/rfc-assertions';
import { testPrefix } from '../support/test-redis';

const CALLBACK = 'https://client.example/cb';
const UNAVAILABLE = 'the authorization server cannot reach its storage; try again shortly';
/** commandTimeout is 1000 ms: an answer within 2.5 s shows the request never waited on Redis. */
const PROMPT_MS = 2500;

/** Runs `send` and returns its response with how long it took. */
async function timed(send: () => Promise<request.Response>): Promise<[request.Response, number]> {
  const started = performance.now();
  const response = await send();
  return [response, performance.now() - started];
}

describe.each(ADAPTERS)('while Redis is unreachable (%s)', (adapter) => {
  let redis: ThrowawayRedis | undefined;
  let port: number;
  let app: INestApplication;
  let server: Server;
  let client: RegisteredClient;
  let accessToken: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    port = redis.port;
    app = await createHttpApp(adapter, {
      redis: redis.url,
      prefix: testPrefix(),
      commandTimeout: 1000,
      scopes: ['profile'],
    });
    server = app.getHttpServer() as Server;
    client = await app.get(ClientService).create({ clientType: 'web', redirectUrls: [CALLBACK] });
    accessToken = await clientCredentialsToken(server, client, 'profile');
    await request(server).get('/api/me').set('Authorization', `Bearer ${accessToken}`).expect(200);
    await redis.stop();
    redis = undefined;
  });

  afterAll(async () => {
    await app.close();
    // The keys live only in this throwaway server, and stopping it discards them.
    await redis?.stop();
  });

  it('answers the token endpoint with 503 temporarily_unavailable, promptly (RFC 6749 §5.2)', async () => {
    const [response, elapsed] = await timed(() =>
      request(server)
        .post('/oauth/token')
        .set('Authorization', basicOf(client))
        .type('form')
        .send({ grant_type: 'client_credentials', scope: 'profile' }),
    );
    expectTokenError(response, {
      status: 503,
      error: 'temporarily_unavailable',
      description: UNAVAILABLE,
    });
    expect(headerOf(response, 'Retry-After')).toBe('1');
    expect(elapsed).toBeLessThan(PROMPT_MS);
  });

  it('answers a protected route with 503, never 401 (RFC 6750 §3.1 is about the token, not the server)', async () => {
    const [response, elapsed] = await timed(() =>
      request(server).get('/api/me').set('Authorization', `Bearer ${accessToken}`),
    );
    expect({
      status: response.status,
      mediaType: mediaTypeOf(response),
      retryAfter: headerOf(response, 'Retry-After'),
      wwwAuthenticate: headerOf(response, 'WWW-Authenticate'),
      body: response.body as unknown,
    }).toEqual({
      status: 503,
      mediaType: 'application/json',
      retryAfter: '1',
      wwwAuthenticate: undefined,
      body: { error: 'temporarily_unavailable', error_description: UNAVAILABLE },
    });
    expect(elapsed).toBeLessThan(PROMPT_MS);
  });

  it('answers the authorization endpoint with a 503 page, not a redirect: the client cannot be checked (RFC 6749 §4.1.2.1)', async () => {
    const parameters = { client_id: client.id, response_type: 'code', state: 's' };
    const [page, elapsed] = await timed(() =>
      request(server).get('/oauth/authorize').query(parameters),
    );
    expectErrorPage(page, {
      status: 503,
      error: 'temporarily_unavailable',
      description: UNAVAILABLE,
    });
    expect(elapsed).toBeLessThan(PROMPT_MS);
    expect(page.headers['retry-after']).toBe('1');

    const json = await request(server)
      .get('/oauth/authorize')
      .query(parameters)
      .set('Accept', 'application/json');
    expectTokenError(json, {
      status: 503,
      error: 'temporarily_unavailable',
      description: UNAVAILABLE,
    });
  });

  it.each(['/oauth/revoke', '/oauth/introspect'])(
    'answers %s with 503 temporarily_unavailable (RFC 6749 §5.2)',
    async (path) => {
      const response = await request(server)
        .post(path)
        .set('Authorization', basicOf(client))
        .type('form')
        .send({ token: accessToken });
      expectTokenError(response, {
        status: 503,
        error: 'temporarily_unavailable',
        description: UNAVAILABLE,
      });
    },
  );

  it('serves again once Redis is back on the same address, without a restart', async () => {
    redis = await startRedisServerOnPort(port);
    // The app's own connection reconnects with a backoff of up to 2 s; the first request after
    // that is the one that shows recovery.
    const connection = app.get(RedisConnection).client;
    if (connection.status !== 'ready') {
      await new Promise((resolve) => connection.once('ready', resolve));
    }

    // The new server started empty: the old token and client are gone, which is a plain 401.
    expectBearerRefusal(
      await request(server).get('/api/me').set('Authorization', `Bearer ${accessToken}`),
      { status: 401, error: 'invalid_token', description: 'the access token is unknown' },
    );
    const fresh = await app.get(ClientService).create({
      clientType: 'web',
      redirectUrls: [CALLBACK],
    });
    const freshToken = await clientCredentialsToken(server, fresh, 'profile');
    const me = await request(server)
      .get('/api/me')
      .set('Authorization', `Bearer ${freshToken}`)
      .expect(200);
    expect(me.body).toEqual({ client_id: fresh.id, scope: 'profile' });
  });
});
