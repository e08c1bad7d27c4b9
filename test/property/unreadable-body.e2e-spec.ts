import { gzipSync } from 'node:zlib';
import { Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory, RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { RegisteredClient } from '../../lib';
import { ClientService, OAuthistModule } from '../../lib';
import { ADAPTERS, Adapter } from '../fixtures/http-app';
import { basicOf, E2eApp, startE2eApp } from '../support/http-flows';
import { connectTestRedis, deleteKeys, testPrefix, testRedisUrl } from '../support/test-redis';
import {
  BODY_LIMIT,
  exchange,
  expectTokenEndpointError,
  headerOf,
  mediaTypeOf,
  RawResponse,
  rawPost,
} from './hostile-input';

const FORM = 'application/x-www-form-urlencoded';
const TOO_LARGE = { error: 'invalid_request', error_description: 'the request body is too large' };
const MALFORMED = { error: 'invalid_request', error_description: 'the request body is malformed' };
const UNSUPPORTED = {
  error: 'invalid_request',
  error_description: "the body's media type, charset or content encoding is not supported",
};
const FORM_ENDPOINTS = ['/oauth/token', '/oauth/revoke', '/oauth/introspect'];

/** A form body of exactly `size` bytes. */
function formOfSize(size: number): string {
  const head = 'grant_type=client_credentials&token=x&padding=';
  return head + 'x'.repeat(size - head.length);
}

function expectRefusal(response: RawResponse, status: number, body: object): void {
  expect(response.status).toBe(status);
  expectTokenEndpointError(response);
  expect(response.body).toEqual(body);
}

describe.each(ADAPTERS)('bodies the framework cannot read (%s)', (adapter) => {
  let e2e: E2eApp;
  let web: RegisteredClient;
  const limit = BODY_LIMIT[adapter];

  beforeAll(async () => {
    e2e = await startE2eApp(adapter, { scopes: ['profile'] });
    web = await e2e.clients.create({ clientType: 'web', redirectUrls: ['https://c.example/cb'] });
  });
  afterAll(() => e2e.close());

  describe.each(FORM_ENDPOINTS)('at %s', (path) => {
    it('answers a body one byte over the limit with 413 invalid_request, never cached', async () => {
      const response = await rawPost(e2e.server, path, formOfSize(limit + 1), {
        'Content-Type': FORM,
        Authorization: basicOf(web),
      });
      expectRefusal(response, 413, TOO_LARGE);
    });

    it('reads a body of exactly the limit', async () => {
      const response = await rawPost(e2e.server, path, formOfSize(limit), {
        'Content-Type': FORM,
        Authorization: basicOf(web),
      });
      expect(response.status).toBe(200);
    });

    it('answers a JSON body over the limit with 413 too', async () => {
      const response = await rawPost(e2e.server, path, `"${'x'.repeat(limit)}"`, {
        'Content-Type': 'application/json',
      });
      expectRefusal(response, 413, TOO_LARGE);
    });

    it('answers broken JSON with 400 invalid_request', async () => {
      const response = await rawPost(e2e.server, path, '{"grant_type":', {
        'Content-Type': 'application/json',
      });
      expectRefusal(response, 400, MALFORMED);
    });
  });

  it('answers at the authorization endpoint with its error page, never a redirect', async () => {
    const page = await rawPost(e2e.server, '/oauth/authorize', formOfSize(limit + 1), {
      'Content-Type': FORM,
    });
    expect({
      status: page.status,
      mediaType: mediaTypeOf(page),
      location: headerOf(page, 'Location'),
      cacheControl: headerOf(page, 'Cache-Control'),
    }).toEqual({
      status: 400,
      mediaType: 'text/html',
      location: undefined,
      cacheControl: 'no-store',
    });
    expect(page.text).toContain('<p>the request body is too large</p>');
    const json = await rawPost(e2e.server, '/oauth/authorize', '{"client_id":', {
      'Content-Type': 'application/json',
      Accept: 'application/json',
    });
    expect({ status: json.status, body: json.body }).toEqual({ status: 400, body: MALFORMED });
  });

  it("leaves the application's own routes to the application", async () => {
    const response = await rawPost(e2e.server, '/api/me', '{"access_token":', {
      'Content-Type': 'application/json',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400 });
    expect(headerOf(response, 'Cache-Control')).toBeUndefined();
  });

  if (adapter === 'express') {
    it('answers a body that does not inflate with 400 invalid_request', async () => {
      const response = await rawPost(e2e.server, '/oauth/token', 'not gzip at all', {
        'Content-Type': FORM,
        'Content-Encoding': 'gzip',
      });
      expectRefusal(response, 400, MALFORMED);
    });

    it('answers an unknown charset or content encoding with 400 invalid_request', async () => {
      for (const headers of [
        { 'Content-Type': `${FORM}; charset=klingon` },
        { 'Content-Type': FORM, 'Content-Encoding': 'x-unknown' },
      ]) {
        const response = await rawPost(e2e.server, '/oauth/token', 'grant_type=x', headers);
        expectRefusal(response, 400, UNSUPPORTED);
      }
    });

    it('reads a gzip body, which body-parser inflates', async () => {
      const response = await rawPost(
        e2e.server,
        '/oauth/token',
        gzipSync('grant_type=client_credentials'),
        { 'Content-Type': FORM, 'Content-Encoding': 'gzip', Authorization: basicOf(web) },
      );
      expect(response.status).toBe(200);
    });
  } else {
    it('answers a content type Fastify has no parser for with 400 invalid_request', async () => {
      const response = await rawPost(e2e.server, '/oauth/token', '<a/>', {
        'Content-Type': 'application/xml',
      });
      expectRefusal(response, 400, UNSUPPORTED);
    });
  }
});

/** An app with a global prefix and a limit of its own: oauthist follows the app's choices. */
async function prefixedApp(adapter: Adapter, prefix: string): Promise<INestApplication> {
  @Module({ imports: [OAuthistModule.forRoot({ redis: testRedisUrl(), prefix })] })
  class PrefixedModule {}
  let app: INestApplication;
  if (adapter === 'fastify') {
    app = await NestFactory.create(PrefixedModule, new FastifyAdapter({ bodyLimit: 1000 }), {
      logger: false,
    });
  } else {
    const express = await NestFactory.create<NestExpressApplication>(PrefixedModule, {
      logger: false,
    });
    express.useBodyParser('urlencoded', { limit: 1000, extended: true });
    app = express;
  }
  app.setGlobalPrefix('v1');
  // A gate of the application in front of every route, with an error shaped as body-parser's.
  app.use((request: IncomingMessage, _response: ServerResponse, next: (error?: Error) => void) => {
    if (request.headers['x-gate'] === undefined) return next();
    next(Object.assign(new Error('closed'), { status: 429, statusCode: 429, expose: true }));
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe.each(ADAPTERS)('under a global prefix and a limit of the app (%s)', (adapter) => {
  const prefix = testPrefix();
  let app: INestApplication;
  let server: Server;
  let web: RegisteredClient;

  beforeAll(async () => {
    app = await prefixedApp(adapter, prefix);
    server = app.getHttpServer() as Server;
    web = await app.get(ClientService).create({ clientType: 'web', redirectUrls: ['https://c/'] });
  });
  afterAll(async () => {
    await app.close();
    const redis = connectTestRedis();
    await deleteKeys(redis, prefix).finally(() => redis.disconnect());
  });

  it('answers 413 over the limit the app set, and reads a body within it', async () => {
    const over = await rawPost(server, '/v1/oauth/token', formOfSize(1001), {
      'Content-Type': FORM,
      Authorization: basicOf(web),
    });
    expectRefusal(over, 413, TOO_LARGE);
    const within = await rawPost(server, '/v1/oauth/token', formOfSize(1000), {
      'Content-Type': FORM,
      Authorization: basicOf(web),
    });
    expect(within.status).toBe(200);
  });

  it('answers broken JSON with 400 invalid_request under the prefix', async () => {
    const response = await rawPost(server, '/v1/oauth/revoke', '[', {
      'Content-Type': 'application/json',
    });
    expectRefusal(response, 400, MALFORMED);
  });

  it("leaves the errors of the application's middleware on oauthist's routes to it", async () => {
    const response = await rawPost(server, '/v1/oauth/token', 'grant_type=client_credentials', {
      'Content-Type': FORM,
      'X-Gate': 'closed',
    });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 429,
      body: { statusCode: 429, message: 'closed' },
    });
  });

  it('leaves other paths alone', async () => {
    const response = await exchange(
      server,
      'POST',
      '/oauth/token',
      {
        'Content-Type': 'application/json',
      },
      '[',
    );
    expect(response.body).toHaveProperty('statusCode');
    expect(response.body).not.toHaveProperty('error_description');
  });
});

/**
 * Paths around `/v1/auth/oauth/token` (global prefix `v1`, `RouterModule` path `auth`): routed
 * to oauthist or not as the framework's own routing decides, by case, trailing slash, prefix.
 */
const NEAR_PATHS = [
  '/v1/auth/oauth/token',
  '/V1/Auth/OAuth/TOKEN',
  '/v1/auth/oauth/token/',
  '/V1/AUTH/OAUTH/TOKEN/',
  '/v1/auth/oauth/token//',
  '/v1/auth/oauth/token/x',
  '/v1/auth/oauth/tokens',
  '/v1/oauth/token',
  '/auth/oauth/token',
];

describe.each(ADAPTERS)('under a RouterModule path and a global prefix (%s)', (adapter) => {
  const prefix = testPrefix();
  let app: INestApplication;
  let server: Server;
  let web: RegisteredClient;

  beforeAll(async () => {
    @Module({
      imports: [
        OAuthistModule.forRoot({ redis: testRedisUrl(), prefix }),
        RouterModule.register([{ path: 'auth', module: OAuthistModule }]),
      ],
    })
    class RoutedModule {}
    app =
      adapter === 'fastify'
        ? await NestFactory.create(RoutedModule, new FastifyAdapter(), { logger: false })
        : await NestFactory.create(RoutedModule, { logger: false });
    app.setGlobalPrefix('v1');
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer() as Server;
    web = await app.get(ClientService).create({ clientType: 'web', redirectUrls: ['https://c/'] });
  });
  afterAll(async () => {
    await app.close();
    const redis = connectTestRedis();
    await deleteKeys(redis, prefix).finally(() => redis.disconnect());
  });

  /** Whether a readable request at `path` reaches oauthist's token endpoint. */
  async function routedToOAuthist(path: string): Promise<boolean> {
    const response = await rawPost(server, path, 'grant_type=client_credentials', {
      'Content-Type': FORM,
      Authorization: basicOf(web),
    });
    return (
      response.status === 200 &&
      typeof (response.body as Record<string, unknown>).access_token === 'string'
    );
  }

  it.each(NEAR_PATHS)(
    'answers broken JSON at %s in the RFC shape iff routing leads to oauthist',
    async (path) => {
      const routed = await routedToOAuthist(path);
      const response = await rawPost(server, path, '{"grant_type":', {
        'Content-Type': 'application/json',
      });
      if (routed) {
        expectRefusal(response, 400, MALFORMED);
      } else {
        // The framework's own answer, as at any path of the application.
        expect(response.body).toHaveProperty('statusCode', response.status);
        expect(response.body).not.toHaveProperty('error_description');
        expect(headerOf(response, 'Cache-Control')).toBeUndefined();
      }
    },
  );

  it('routes the paths whose answers the test above compares, as the framework does', async () => {
    const routed: string[] = [];
    for (const path of NEAR_PATHS) if (await routedToOAuthist(path)) routed.push(path);
    // Express ignores case and one trailing slash unless told otherwise; Fastify does neither.
    expect(routed).toEqual(
      adapter === 'express'
        ? [
            '/v1/auth/oauth/token',
            '/V1/Auth/OAuth/TOKEN',
            '/v1/auth/oauth/token/',
            '/V1/AUTH/OAUTH/TOKEN/',
          ]
        : ['/v1/auth/oauth/token'],
    );
  });
});
