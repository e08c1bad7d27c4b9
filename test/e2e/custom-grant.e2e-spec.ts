import { Controller, Get, INestApplication, Injectable, Module, Scope } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  AccessToken,
  ClientService,
  CurrentAccessToken,
  GrantService,
  GrantType,
  IssuedAccessToken,
  OAuthGrantType,
  OAuthistConfigurationError,
  OAuthistModule,
  RegisteredClient,
  Scopes,
  TokenGrantRequest,
} from '../../lib';
import { ApiKeyGrant, ApiKeys } from '../fixtures/custom-grant/api-key.grant';
import { Adapter, ADAPTERS } from '../fixtures/http-app';
import { basicOf } from '../support/http-flows';
import { BASIC_CHALLENGE, expectTokenError, expectTokenSuccess } from '../support/rfc-assertions';
import { connectTestRedis, deleteKeys, testPrefix, testRedisOption } from '../support/test-redis';

const ALICE_KEY = 'key-of-alice-0123456789';
const GRANT = 'urn:example:api-key';

@Controller('api')
class ProfileController {
  @Get('me')
  @Scopes('profile')
  me(@CurrentAccessToken() token: AccessToken): Record<string, unknown> {
    return { user: token.userId, client: token.clientId, scope: token.scope };
  }
}

async function startApp(
  adapter: Adapter,
  prefix: string,
  grants: readonly (new (...args: never[]) => object)[],
): Promise<INestApplication> {
  // The grant type is a provider of the application's own module, next to what it depends on:
  // nothing in oauthist names it.
  @Module({
    imports: [
      OAuthistModule.forRoot({ redis: testRedisOption(), prefix, scopes: ['profile', 'email'] }),
    ],
    providers: [ApiKeys, ...grants],
    controllers: [ProfileController],
  })
  class AppModule {}
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe.each(ADAPTERS)('a grant type of the application (RFC 6749 §4.5) (%s)', (adapter) => {
  const prefix = testPrefix();
  let app: INestApplication;
  let server: Server;
  let web: RegisteredClient;
  let spa: RegisteredClient;

  beforeAll(async () => {
    app = await startApp(adapter, prefix, [ApiKeyGrant]);
    server = app.getHttpServer() as Server;
    const clients = app.get(ClientService);
    web = await clients.create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] });
    spa = await clients.create({
      clientType: 'user-agent',
      redirectUrls: ['https://spa.example/cb'],
    });
  });

  afterAll(async () => {
    await app.close();
    const redis = connectTestRedis();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  function exchange(form: Record<string, string>, client: RegisteredClient | null = web) {
    const post = request(server).post('/oauth/token').type('form');
    if (client?.secret) post.set('Authorization', basicOf(client));
    return post.send({ grant_type: GRANT, ...form });
  }

  it('issues a token for the user the key names, which a @Scopes route accepts', async () => {
    const response = await exchange({ api_key: ALICE_KEY, scope: 'profile' });
    const { access_token } = expectTokenSuccess(response, { scope: 'profile' });
    const me = await request(server).get('/api/me').set('Authorization', `Bearer ${access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: 'alice', client: web.id, scope: 'profile' });
  });

  it('is listed in the metadata beside the built-in grants (RFC 8414 §2)', async () => {
    const response = await request(server).get('/.well-known/oauth-authorization-server');
    expect(response.body.grant_types_supported).toEqual([
      'authorization_code',
      'client_credentials',
      GRANT,
    ]);
  });

  it('refuses an unknown key with the error the grant throws (RFC 6749 §5.2)', async () => {
    expectTokenError(await exchange({ api_key: 'no-such-key' }), {
      status: 400,
      error: 'invalid_grant',
      description: 'the API key is unknown',
    });
  });

  it('refuses a missing required parameter before authenticating the client', async () => {
    expectTokenError(await exchange({}, { ...web, secret: 'wrong' }), {
      status: 400,
      error: 'invalid_request',
      description: 'api_key is missing',
    });
  });

  it('refuses its parameter repeated (RFC 6749 §3.2)', async () => {
    const response = await request(server)
      .post('/oauth/token')
      .set('Authorization', basicOf(web))
      .type('form')
      .send(`grant_type=${encodeURIComponent(GRANT)}&api_key=${ALICE_KEY}&api_key=${ALICE_KEY}`);
    expectTokenError(response, {
      status: 400,
      error: 'invalid_request',
      description: 'api_key is repeated or malformed (RFC 6749 section 3.2)',
    });
  });

  it('validates its parameter like a built-in one: a single string of bounded length', async () => {
    expectTokenError(await exchange({ api_key: 'k'.repeat(2049) }), {
      status: 400,
      error: 'invalid_request',
      description: 'api_key is too long',
    });
    const nested = await request(server)
      .post('/oauth/token')
      .set('Authorization', basicOf(web))
      .type('form')
      .send(`grant_type=${encodeURIComponent(GRANT)}&api_key[a]=b`);
    expect(nested.status).toBe(400);
    expect(nested.body.error).toBe('invalid_request');
  });

  it('refuses a client type it does not list with unauthorized_client (RFC 6749 §5.2)', async () => {
    expectTokenError(await exchange({ api_key: ALICE_KEY, client_id: spa.id }, null), {
      status: 400,
      error: 'unauthorized_client',
      description: `a user-agent client may not use the ${GRANT} grant (RFC 6749 section 5.2)`,
    });
  });

  it('refuses a request without a client, and a wrong secret (RFC 6749 §3.2.1)', async () => {
    expectTokenError(await exchange({ api_key: ALICE_KEY }, null), {
      status: 401,
      error: 'invalid_client',
      description:
        'the client must authenticate, or a public client send client_id (RFC 6749 section 3.2.1)',
      challenge: BASIC_CHALLENGE,
    });
    expectTokenError(await exchange({ api_key: ALICE_KEY }, { ...web, secret: 'wrong' }), {
      status: 401,
      error: 'invalid_client',
      description: 'client authentication failed',
      challenge: BASIC_CHALLENGE,
    });
  });

  it('knows a bad scope when the request is loaded, before the grant is asked (RFC 6749 §3.3)', async () => {
    const grants = app.get(GrantService);
    const loaded = await grants.tokenRequest({
      grant_type: GRANT,
      api_key: ALICE_KEY,
      scope: 'admin',
      client_id: web.id,
      client_secret: web.secret as string,
    });
    expect(loaded.isInvalid()).toBe(true);
    expect(loaded.getError()?.error).toBe('invalid_scope');
    const good = await grants.tokenRequest({
      grant_type: GRANT,
      api_key: ALICE_KEY,
      scope: 'email profile',
      client_id: web.id,
      client_secret: web.secret as string,
    });
    expect(good.scopes).toEqual(['email', 'profile']);
    expect(() => {
      (good.client as { id: string }).id = spa.id;
    }).toThrow(TypeError);
    expect((await good.exchangeForToken()).token.clientId).toBe(web.id);
  });

  it('refuses a scope the server does not allow (RFC 6749 §3.3)', async () => {
    expectTokenError(await exchange({ api_key: ALICE_KEY, scope: 'admin' }), {
      status: 400,
      error: 'invalid_scope',
      description: 'unknown scope: admin',
    });
  });
});

@Injectable()
@OAuthGrantType()
class SecondApiKeyGrant implements GrantType {
  readonly grantType: string = GRANT;
  readonly clientTypes = ['web'] as const;
  readonly parameters = [];
  issue(_request: TokenGrantRequest): Promise<IssuedAccessToken> {
    throw new Error('never asked');
  }
}

@Injectable()
@OAuthGrantType()
class MisnamedGrant extends SecondApiKeyGrant {
  override readonly grantType = 'not a name';
}

@Injectable()
@OAuthGrantType()
class ShadowingGrant extends SecondApiKeyGrant {
  override readonly grantType = 'password';
}

@Injectable({ scope: Scope.REQUEST })
@OAuthGrantType()
class RequestScopedGrant extends SecondApiKeyGrant {
  override readonly grantType = 'urn:example:per-request';
}

@Injectable()
@OAuthGrantType()
class UndeclaredParameterGrant extends SecondApiKeyGrant {
  override readonly grantType = 'urn:example:undeclared';
  readonly requiredParameters = ['assertion'];
}

describe('grant types that cannot be served stop start-up', () => {
  it.each([
    ['a request-scoped grant type', [RequestScopedGrant], /request-scoped/],
    ['a required parameter it does not declare', [UndeclaredParameterGrant], /requires assertion/],
    ['two providers of one grant type', [ApiKeyGrant, SecondApiKeyGrant], /two providers serve/],
    ['a name that is neither a grant-name nor a URI', [MisnamedGrant], /not a grant type name/],
    [
      'the name of a built-in grant',
      [ShadowingGrant],
      /two providers serve the grant type password/,
    ],
  ])('%s', async (_case, grants, message) => {
    const prefix = testPrefix();
    const failure = await startApp('express', prefix, grants).then(
      async (app) => {
        await app.close();
        return null;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OAuthistConfigurationError);
    expect((failure as Error).message).toMatch(message);
    const redis = connectTestRedis();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });
});
