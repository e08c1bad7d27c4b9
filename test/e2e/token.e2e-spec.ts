import request from 'supertest';
import { TokenService } from '../../lib';
import type { RegisteredClient, UserCredentialsVerifier } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { basic } from '../support/grants';
import { basicOf, codeThroughConsent, E2eApp, secretOf, startE2eApp } from '../support/http-flows';
import { pkcePair } from '../support/pkce';
import {
  BASIC_CHALLENGE,
  expectBearerRefusal,
  expectTokenError,
  expectTokenSuccess,
  headerOf,
} from '../support/rfc-assertions';
import { withVerifier } from '../support/module-options';

const CALLBACK = 'https://client.example/cb';
const SECOND_CALLBACK = 'https://client.example/second';
const SPA_CALLBACK = 'https://spa.example/cb';
const TTL = 3600;

/** Knows one user, as an application's own user store would. */
const passwordVerifier: UserCredentialsVerifier = {
  verify: (username, password) =>
    username === 'alice' && password === 'wonderland' ? { userId: username } : null,
};

describe.each(ADAPTERS)('token endpoint (%s)', (adapter) => {
  let e2e: E2eApp;
  let web: RegisteredClient;
  let other: RegisteredClient;
  let spa: RegisteredClient;

  beforeAll(async () => {
    e2e = await startE2eApp(adapter, {
      scopes: ['profile', 'email', 'admin'],
      accessTokenTtl: TTL,
      ...withVerifier(passwordVerifier),
    });
    web = await e2e.clients.create({
      clientType: 'web',
      redirectUrls: [CALLBACK, SECOND_CALLBACK],
    });
    other = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    spa = await e2e.clients.create({ clientType: 'user-agent', redirectUrls: [SPA_CALLBACK] });
  });
  afterAll(() => e2e.close());

  function token(): request.Test {
    return request(e2e.server).post('/oauth/token');
  }

  function me(accessToken: string): request.Test {
    return request(e2e.server).get('/api/me').set('Authorization', `Bearer ${accessToken}`);
  }

  function codeForWeb(scope = 'profile'): Promise<string> {
    return codeThroughConsent(e2e.server, {
      client_id: web.id,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope,
    });
  }

  describe('authorization_code (RFC 6749 §4.1.3)', () => {
    it('issues a token to a client authenticating with HTTP Basic (RFC 6749 §2.3.1)', async () => {
      const code = await codeForWeb('profile email');
      const response = await token().set('Authorization', basicOf(web)).type('form').send({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
      });
      const issued = expectTokenSuccess(response, { scope: 'profile email', expiresIn: TTL });
      const protectedRoute = await me(issued.access_token).expect(200);
      expect(protectedRoute.body).toEqual({
        user_id: 'alice',
        client_id: web.id,
        scope: 'profile email',
      });
    });

    it('issues a token to a client sending client_secret in the body (RFC 6749 §2.3.1)', async () => {
      const code = await codeForWeb();
      const response = await token()
        .type('form')
        .send({
          grant_type: 'authorization_code',
          code,
          redirect_uri: CALLBACK,
          client_id: web.id,
          client_secret: secretOf(web),
        });
      const issued = expectTokenSuccess(response, { scope: 'profile', expiresIn: TTL });
      await me(issued.access_token).expect(200);
    });

    it('issues a token to a public client proving its PKCE verifier (RFC 7636 §4.5, §4.6)', async () => {
      const pkce = pkcePair();
      const code = await codeThroughConsent(
        e2e.server,
        {
          client_id: spa.id,
          response_type: 'code',
          scope: 'profile',
          code_challenge: pkce.challenge,
          code_challenge_method: 'S256',
        },
        'carol',
      );
      const response = await token().type('form').send({
        grant_type: 'authorization_code',
        code,
        client_id: spa.id,
        code_verifier: pkce.verifier,
      });
      const issued = expectTokenSuccess(response, { scope: 'profile', expiresIn: TTL });
      const protectedRoute = await me(issued.access_token).expect(200);
      expect(protectedRoute.body).toEqual({
        user_id: 'carol',
        client_id: spa.id,
        scope: 'profile',
      });
    });

    it('refuses a PKCE verifier that does not match with invalid_grant (RFC 7636 §4.6)', async () => {
      const code = await codeThroughConsent(e2e.server, {
        client_id: spa.id,
        response_type: 'code',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      const response = await token().type('form').send({
        grant_type: 'authorization_code',
        code,
        client_id: spa.id,
        code_verifier: pkcePair().verifier,
      });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_grant',
        description: 'code_verifier does not match the code_challenge (RFC 7636 section 4.6)',
      });
    });

    it('refuses a redirect_uri other than the authorization request one with invalid_grant (RFC 6749 §4.1.3)', async () => {
      const code = await codeForWeb();
      const response = await token().set('Authorization', basicOf(web)).type('form').send({
        grant_type: 'authorization_code',
        code,
        redirect_uri: SECOND_CALLBACK,
      });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_grant',
        description: 'redirect_uri differs from the authorization request (RFC 6749 section 4.1.3)',
      });
    });

    it('refuses a code issued to another client with invalid_grant (RFC 6749 §4.1.3)', async () => {
      const code = await codeForWeb();
      const response = await token()
        .set('Authorization', basicOf(other))
        .type('form')
        .send({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_grant',
        description: 'the code was issued to another client',
      });
    });

    it('refuses a reused code with invalid_grant and revokes the token it gave (RFC 6749 §4.1.2, §10.5)', async () => {
      const code = await codeForWeb();
      const exchange = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK };
      const first = expectTokenSuccess(
        await token().set('Authorization', basicOf(web)).type('form').send(exchange),
        { scope: 'profile', expiresIn: TTL },
      );
      await me(first.access_token).expect(200);

      const replay = await token().set('Authorization', basicOf(web)).type('form').send(exchange);
      expectTokenError(replay, {
        status: 400,
        error: 'invalid_grant',
        description:
          'the code was used before; the token issued for it is revoked (RFC 6749 section 4.1.2)',
      });
      expectBearerRefusal(await me(first.access_token), {
        status: 401,
        error: 'invalid_token',
        description: 'the access token was revoked',
      });
    });
  });

  describe('client_credentials (RFC 6749 §4.4)', () => {
    it('issues a token to a confidential client, for itself (RFC 6749 §4.4.3)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .type('form')
        .send({ grant_type: 'client_credentials', scope: 'email' });
      const issued = expectTokenSuccess(response, { scope: 'email', expiresIn: TTL });
      const mail = await request(e2e.server)
        .get('/mail')
        .set('Authorization', `Bearer ${issued.access_token}`)
        .expect(200);
      expect(mail.body).toEqual({ client_id: web.id, scope: 'email' });
    });

    it('refuses a public client with unauthorized_client (RFC 6749 §4.4)', async () => {
      const response = await token()
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: spa.id });
      expectTokenError(response, {
        status: 400,
        error: 'unauthorized_client',
        description:
          'a user-agent client may not use the client_credentials grant (RFC 6749 section 5.2)',
      });
    });

    it('refuses a scope outside the allowed list with invalid_scope (RFC 6749 §5.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .type('form')
        .send({ grant_type: 'client_credentials', scope: 'profile root' });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_scope',
        description: 'unknown scope: root',
      });
    });
  });

  describe('password (RFC 6749 §4.3)', () => {
    it('issues a token carrying what the verifier returned (RFC 6749 §4.3.3)', async () => {
      const response = await token().set('Authorization', basicOf(web)).type('form').send({
        grant_type: 'password',
        username: 'alice',
        password: 'wonderland',
        scope: 'profile',
      });
      const issued = expectTokenSuccess(response, { scope: 'profile', expiresIn: TTL });
      const protectedRoute = await me(issued.access_token).expect(200);
      expect(protectedRoute.body).toEqual({
        user_id: 'alice',
        client_id: web.id,
        scope: 'profile',
      });
    });

    it('refuses a wrong password with invalid_grant (RFC 6749 §5.2)', async () => {
      const response = await token().set('Authorization', basicOf(web)).type('form').send({
        grant_type: 'password',
        username: 'alice',
        password: 'looking-glass',
      });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_grant',
        description: 'the username or password is wrong',
      });
    });

    it('refuses a password grant that names no client (RFC 6749 §4.3.2, RFC 9700 §2.4)', async () => {
      const response = await token()
        .type('form')
        .send({ grant_type: 'password', username: 'alice', password: 'wonderland' });
      expect([response.status, response.body]).toEqual([
        401,
        {
          error: 'invalid_client',
          error_description:
            'the client must authenticate, or a public client send client_id (RFC 6749 section 3.2.1)',
        },
      ]);
      expect(headerOf(response, 'Cache-Control')).toBe('no-store');
    });

    it('takes it from a public client that names itself with client_id (RFC 6749 §3.2.1)', async () => {
      const response = await token().type('form').send({
        grant_type: 'password',
        client_id: spa.id,
        username: 'alice',
        password: 'wonderland',
        scope: 'profile',
      });
      const issued = expectTokenSuccess(response, { scope: 'profile', expiresIn: TTL });
      expect((await me(issued.access_token).expect(200)).body).toMatchObject({
        user_id: 'alice',
        client_id: spa.id,
      });
    });

    it('takes it from no client at all with passwordGrantWithoutClient, as the manual did', async () => {
      const anonymous = await startE2eApp(adapter, {
        passwordGrantWithoutClient: true,
        ...withVerifier(passwordVerifier),
      });
      try {
        const response = await request(anonymous.server)
          .post('/oauth/token')
          .type('form')
          .send({ grant_type: 'password', username: 'alice', password: 'wonderland' });
        const issued = expectTokenSuccess(response);
        const token = await anonymous.app.get(TokenService).verifyAccessToken(issued.access_token);
        expect([token.clientId, token.userId]).toEqual([null, 'alice']);
      } finally {
        await anonymous.close();
      }
    });

    it('refuses a missing password with invalid_request (RFC 6749 §4.3.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .type('form')
        .send({ grant_type: 'password', username: 'alice' });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_request',
        description: 'password is missing',
      });
    });
  });

  describe('malformed requests (RFC 6749 §3.2, §5.2)', () => {
    it('refuses a JSON body with invalid_request (RFC 6749 §3.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ grant_type: 'client_credentials' }));
      expectTokenError(response, {
        status: 400,
        error: 'invalid_request',
        description: 'the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)',
      });
    });

    it('refuses a text/plain body with invalid_request (RFC 6749 §3.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .set('Content-Type', 'text/plain')
        .send('grant_type=client_credentials');
      expectTokenError(response, {
        status: 400,
        error: 'invalid_request',
        description: 'the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)',
      });
    });

    it('refuses a repeated parameter with invalid_request (RFC 6749 §3.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .type('form')
        .send('grant_type=client_credentials&grant_type=client_credentials');
      expectTokenError(response, {
        status: 400,
        error: 'invalid_request',
        description: 'grant_type is repeated or malformed (RFC 6749 section 3.2)',
      });
    });

    it('ignores unrecognized parameters, even repeated or nested (RFC 6749 §3.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .type('form')
        .send(
          'grant_type=client_credentials&scope=email' + '&ui_locales=de&ui_locales=en&extra[x]=y',
        );
      expectTokenSuccess(response, { scope: 'email', expiresIn: TTL });
    });

    it('accepts a form Content-Type with a charset parameter (RFC 6749 §3.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .set('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8')
        .send('grant_type=client_credentials');
      expectTokenSuccess(response, { expiresIn: TTL });
    });

    it('refuses a parameter the body parser made into an object with invalid_request (RFC 6749 §3.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .type('form')
        .send('grant_type=client_credentials&scope[a]=b');
      if (adapter === 'express') {
        // Express parses form bodies with qs, which turns `scope[a]=b` into { scope: { a: 'b' } }.
        expectTokenError(response, {
          status: 400,
          error: 'invalid_request',
          description: 'scope is repeated or malformed (RFC 6749 section 3.2)',
        });
      } else {
        // Fastify's parser keeps `scope[a]` a flat name of its own, an unknown parameter that
        // RFC 6749 §3.2 says to ignore: it must not be read as `scope`.
        expectTokenSuccess(response, { expiresIn: TTL });
      }
    });

    it('refuses a request without grant_type with invalid_request (RFC 6749 §4.4.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .type('form')
        .send({ scope: 'profile' });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_request',
        description: 'grant_type is missing',
      });
    });

    it('refuses an unknown grant_type with unsupported_grant_type (RFC 6749 §5.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .type('form')
        .send({ grant_type: 'urn:example:magic' });
      expectTokenError(response, {
        status: 400,
        error: 'unsupported_grant_type',
        description: 'grant_type urn:example:magic is not supported here',
      });
    });

    it('refuses a wrong Basic secret with 401 invalid_client and a Basic challenge (RFC 6749 §5.2)', async () => {
      const response = await token()
        .set('Authorization', basic(web.id, `${secretOf(web)}x`))
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'client authentication failed',
        challenge: BASIC_CHALLENGE,
      });
    });

    it('refuses Basic credentials of an unknown client with 401 invalid_client (RFC 6749 §5.2)', async () => {
      const response = await token()
        .set('Authorization', basic('no-such-client', secretOf(web)))
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'client authentication failed',
        challenge: BASIC_CHALLENGE,
      });
    });

    it('refuses undecodable Basic credentials with 401 invalid_client (RFC 7617 §2)', async () => {
      const response = await token()
        .set('Authorization', 'Basic !!!not-base64!!!')
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'malformed HTTP Basic credentials',
        challenge: BASIC_CHALLENGE,
      });
    });

    it('refuses a confidential client that does not authenticate with 401 invalid_client (RFC 6749 §3.2.1)', async () => {
      const code = await codeForWeb();
      const response = await token()
        .type('form')
        .send({ grant_type: 'authorization_code', code, client_id: web.id });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'a confidential client must authenticate (RFC 6749 section 3.2.1)',
        challenge: BASIC_CHALLENGE,
      });
    });

    it('is not routed for GET: only POST is (RFC 6749 §3.2)', async () => {
      const response = await request(e2e.server)
        .get('/oauth/token')
        .query({ grant_type: 'client_credentials' })
        .set('Authorization', basicOf(web));
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 404,
        body: {
          message: 'Cannot GET /oauth/token?grant_type=client_credentials',
          error: 'Not Found',
          statusCode: 404,
        },
      });
    });
  });
});
