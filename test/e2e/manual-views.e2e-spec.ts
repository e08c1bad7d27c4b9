import {
  ArgumentsHost,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  INestApplication,
  Module,
  NotFoundException,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  AttributeValue,
  ClientService,
  fromRequest,
  GrantService,
  HttpReply,
  HttpRequestLike,
  OAuthError,
  OAuthistModule,
  OAuthResponse,
  RegisteredClient,
  TokenService,
  UserCredentialsVerifier,
} from '../../lib';
import { Adapter, ADAPTERS } from '../fixtures/http-app';
import { sleep } from '../support/grants';
import { basicOf, secretOf } from '../support/http-flows';
import { queryOf } from '../support/pkce';
import {
  BASIC_CHALLENGE,
  expectBearerRefusal,
  expectTokenError,
  expectTokenSuccess,
  headerOf,
} from '../support/rfc-assertions';
import { connectTestRedis, deleteKeys, testPrefix, testRedisOption } from '../support/test-redis';

class DoraVerifier implements UserCredentialsVerifier {
  verify(username: string, password: string): Readonly<Record<string, AttributeValue>> | null {
    return username === 'dora' && password === 'explorer' ? { user_id: 'dora' } : null;
  }
}

/** Answers an OAuthError its own way: a route's filter comes before the module's. */
@Catch(OAuthError)
class TeapotFilter implements ExceptionFilter {
  catch(error: OAuthError, host: ArgumentsHost): void {
    OAuthResponse.json(418, { mine: error.error }).writeTo(host.switchToHttp().getResponse());
  }
}

/**
 * Views written as the Python manual writes them: check the request, answer its error, else go
 * on. What the checks cannot know yet (a replayed code, an answered consent) is thrown by the
 * step after, and no view here catches it.
 */
@Controller('manual')
class ManualViews {
  constructor(
    private readonly grants: GrantService,
    private readonly tokens: TokenService,
  ) {}

  @Post('token')
  async token(@Req() req: HttpRequestLike, @Res() reply: HttpReply): Promise<void> {
    const exchange = await this.grants.codeExchangeRequest(fromRequest(req));
    const error = exchange.getError();
    if (error) return error.toResponse().writeTo(reply);
    (await exchange.exchangeForToken()).toResponse().writeTo(reply);
  }

  /** The password view, minus its `is_invalid()` check: the exchange throws the error. */
  @Post('password')
  async password(@Req() req: HttpRequestLike, @Res() reply: HttpReply): Promise<void> {
    const exchange = await this.grants.passwordExchangeRequest(fromRequest(req));
    (await exchange.exchangeForToken()).toResponse().writeTo(reply);
  }

  /** The implicit view, minus its `is_valid()` check: accept() throws the request's error. */
  @Get('implicit')
  async implicit(@Req() req: HttpRequestLike, @Res() reply: HttpReply): Promise<void> {
    const tokenRequest = await this.grants.accessTokenRequest(fromRequest(req));
    OAuthResponse.redirect(await tokenRequest.accept({ userId: 'dora' })).writeTo(reply);
  }

  /** The consent view: `Code.objects.get(code_id)`, then accept. */
  @Get('consent')
  async consent(@Query('id') id: string, @Res() reply: HttpReply): Promise<void> {
    const pending = await this.grants.getPendingAuthorization(id);
    if (!pending) throw new NotFoundException('no such request');
    const location = await pending.accept({ user_id: 'dora' });
    // A second answer, as a double-submitted form sends: the request is answered already.
    await pending.accept({ user_id: 'dora' });
    OAuthResponse.redirect(location).writeTo(reply);
  }

  /** The manual's protected resource: `ProtectedResourceRequest(...).verify_access_token()`. */
  @Get('resource')
  async resource(@Req() req: HttpRequestLike): Promise<{ user: string | undefined }> {
    const token = await this.tokens.protectedResourceRequest(req).verifyAccessToken('profile');
    return { user: token.userId };
  }

  @Get('filtered')
  @UseFilters(TeapotFilter)
  filtered(): never {
    throw new OAuthError('invalid_grant', 'refused');
  }

  @Get('not-found')
  notFound(): never {
    throw new NotFoundException('nothing here');
  }

  @Get('crash')
  crash(): never {
    throw new Error('a bug of the application');
  }
}

async function startApp(adapter: Adapter, prefix: string): Promise<INestApplication> {
  @Module({
    imports: [
      OAuthistModule.forRoot({
        redis: testRedisOption(),
        prefix,
        scopes: ['profile', 'email'],
        implicitGrant: true,
        authorizationCodeTtl: 1,
        extraProviders: [{ provide: UserCredentialsVerifier, useClass: DoraVerifier }],
      }),
    ],
    controllers: [ManualViews],
  })
  class AppModule {}
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

// RFC 6749 §5.2: whatever route it escapes from, an OAuthError reaches the client as its JSON
// error response, never as 500.
describe.each(ADAPTERS)(
  "the manual's views answer oauthist's errors as the RFC says (%s)",
  (adapter) => {
    const prefix = testPrefix();
    let app: INestApplication;
    let server: Server;
    let grants: GrantService;
    let web: RegisteredClient;

    beforeAll(async () => {
      app = await startApp(adapter, prefix);
      server = app.getHttpServer() as Server;
      grants = app.get(GrantService);
      web = await app.get(ClientService).create({
        clientType: 'web',
        redirectUrls: ['https://web.example/cb', 'https://web.example/other'],
      });
    });

    afterAll(async () => {
      await app.close();
      const redis = connectTestRedis();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });

    async function code(redirectUri = 'https://web.example/cb'): Promise<string> {
      const authorization = await grants.codeRequest({
        client_id: web.id,
        redirect_uri: redirectUri,
      });
      const pending = await authorization.saveCode({ user_id: 'dora' });
      const { code: issued } = queryOf(await pending.accept());
      if (!issued) throw new Error('accept() gave no code');
      return issued;
    }

    function exchange(theCode: string, redirectUri = 'https://web.example/cb'): request.Test {
      return request(server)
        .post('/manual/token')
        .type('form')
        .set('Authorization', basicOf(web))
        .send({ grant_type: 'authorization_code', code: theCode, redirect_uri: redirectUri });
    }

    it('a replayed code: 400 invalid_grant, not 500 (RFC 6749 §4.1.2, §5.2)', async () => {
      const theCode = await code();
      expectTokenSuccess(await exchange(theCode));
      expectTokenError(await exchange(theCode), {
        status: 400,
        error: 'invalid_grant',
        description:
          'the code was used before; the token issued for it is revoked (RFC 6749 section 4.1.2)',
      });
    });

    it('a redirect_uri that differs from the request: 400 invalid_grant (RFC 6749 §4.1.3)', async () => {
      expectTokenError(await exchange(await code(), 'https://web.example/other'), {
        status: 400,
        error: 'invalid_grant',
        description: 'redirect_uri differs from the authorization request (RFC 6749 section 4.1.3)',
      });
    });

    it('an expired code: 400 invalid_grant', async () => {
      const theCode = await code();
      await sleep(2500);
      expectTokenError(await exchange(theCode), {
        status: 400,
        error: 'invalid_grant',
        description: 'the code is unknown, expired or used',
      });
    });

    it('a password exchange that was not checked: its error, with its status and headers', async () => {
      const password = (fields: Record<string, string>) =>
        request(server)
          .post('/manual/password')
          .type('form')
          .send({ grant_type: 'password', ...fields });
      expectTokenError(
        await password({
          username: 'dora',
          password: 'wrong',
          client_id: web.id,
          client_secret: secretOf(web),
        }),
        { status: 400, error: 'invalid_grant', description: 'the username or password is wrong' },
      );
      const badClient = await request(server)
        .post('/manual/password')
        .type('form')
        .set('Authorization', `Basic ${Buffer.from(`${web.id}:wrong`).toString('base64')}`)
        .send({ grant_type: 'password', username: 'dora', password: 'explorer' });
      expect(badClient.status).toBe(401);
      expect(headerOf(badClient, 'WWW-Authenticate')).toBe(BASIC_CHALLENGE);
      expect(headerOf(badClient, 'Cache-Control')).toBe('no-store');
      expect(badClient.body).toMatchObject({ error: 'invalid_client' });
    });

    it('an implicit request accepted without its check: its error as JSON (RFC 6749 §5.2)', async () => {
      const spa = await app.get(ClientService).create({
        clientType: 'user-agent',
        redirectUrls: ['https://spa.example/cb'],
      });
      expectTokenError(
        await request(server)
          .get('/manual/implicit')
          .query({ response_type: 'token', client_id: spa.id, scope: 'admin' }),
        { status: 400, error: 'invalid_scope', description: 'unknown scope: admin' },
      );
    });

    it('a consent answered twice: 400 invalid_request, never a token twice', async () => {
      const authorization = await grants.codeRequest({
        client_id: web.id,
        redirect_uri: 'https://web.example/cb',
      });
      const pending = await authorization.saveCode();
      expectTokenError(await request(server).get('/manual/consent').query({ id: pending.id }), {
        status: 400,
        error: 'invalid_request',
        description: 'the authorization request expired or was already answered',
      });
    });

    describe("the manual's ProtectedResourceRequest, outside the guard (RFC 6750 §3)", () => {
      it('no token: 401 with a challenge that names no error (§3.1)', async () => {
        expectBearerRefusal(await request(server).get('/manual/resource'), { status: 401 });
      });

      it('an unknown token: 401 invalid_token with its challenge', async () => {
        const response = await request(server)
          .get('/manual/resource')
          .set('Authorization', `Bearer ${'A'.repeat(16)}.${'B'.repeat(43)}`);
        expectBearerRefusal(response, {
          status: 401,
          error: 'invalid_token',
          description: 'the access token is unknown',
        });
        expect(headerOf(response, 'Cache-Control')).toBe('no-store');
      });

      it('a token without the scope: 403 insufficient_scope, naming the scope', async () => {
        const tokens = app.get(TokenService);
        const issued = await tokens.issueAccessToken({ clientId: web.id, scopes: ['email'] });
        expectBearerRefusal(
          await request(server)
            .get('/manual/resource')
            .set('Authorization', `Bearer ${issued.accessToken}`),
          {
            status: 403,
            error: 'insufficient_scope',
            description: 'the access token does not hold any of the required scopes',
            scope: 'profile',
          },
        );
      });

      it('a good token passes', async () => {
        const issued = await app.get(TokenService).issueAccessToken({
          clientId: web.id,
          scopes: ['profile'],
          userId: 'dora',
        });
        const response = await request(server)
          .get('/manual/resource')
          .set('Authorization', `Bearer ${issued.accessToken}`);
        expect([response.status, response.body]).toEqual([200, { user: 'dora' }]);
      });
    });

    describe("what is not oauthist's is left to the application", () => {
      it("a route's own filter for OAuthError comes first", async () => {
        const response = await request(server).get('/manual/filtered');
        expect([response.status, response.body]).toEqual([418, { mine: 'invalid_grant' }]);
      });

      it("an HttpException keeps Nest's answer", async () => {
        const response = await request(server).get('/manual/not-found');
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ statusCode: 404, message: 'nothing here' });
      });

      it("an application's bug is still Nest's 500, with nothing of oauthist", async () => {
        const response = await request(server).get('/manual/crash');
        expect([response.status, response.body]).toEqual([
          500,
          { statusCode: 500, message: 'Internal server error' },
        ]);
      });
    });
  },
);
