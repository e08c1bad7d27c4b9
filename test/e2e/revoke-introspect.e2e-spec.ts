import request from 'supertest';
import type { RegisteredClient } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { basic, NEVER_ISSUED, sleep, startOfSecond } from '../support/grants';
import {
  basicOf,
  clientCredentialsToken,
  codeThroughConsent,
  E2eApp,
  secretOf,
  startE2eApp,
} from '../support/http-flows';
import { pkcePair } from '../support/pkce';
import {
  BASIC_CHALLENGE,
  expectBearerRefusal,
  expectTokenError,
  expectJsonAnswer,
  expectTokenSuccess,
  headerOf,
} from '../support/rfc-assertions';

const CALLBACK = 'https://client.example/cb';
const SPA_CALLBACK = 'https://spa.example/cb';
const TTL = 3600;

function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** RFC 7662 §2.2: a 200 JSON answer, never cached, with exactly the claims expected. */
function expectIntrospection(response: request.Response, claims: Record<string, unknown>): void {
  expectJsonAnswer(response, { status: 200, cacheControl: 'no-store', body: claims });
}

describe.each(ADAPTERS)('revocation and introspection (%s)', (adapter) => {
  let e2e: E2eApp;
  let web: RegisteredClient;
  let other: RegisteredClient;
  let spa: RegisteredClient;

  beforeAll(async () => {
    e2e = await startE2eApp(adapter, { scopes: ['profile', 'email'], accessTokenTtl: TTL });
    web = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    other = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    spa = await e2e.clients.create({ clientType: 'user-agent', redirectUrls: [SPA_CALLBACK] });
  });
  afterAll(() => e2e.close());

  function revoke(): request.Test {
    return request(e2e.server).post('/oauth/revoke').type('form');
  }

  function introspect(): request.Test {
    return request(e2e.server).post('/oauth/introspect').type('form');
  }

  function me(accessToken: string): request.Test {
    return request(e2e.server).get('/api/me').set('Authorization', `Bearer ${accessToken}`);
  }

  /** A token alice grants web through the consent page, exchanged by web for `scope`. */
  async function aliceToken(scope: string): Promise<{ access_token: string }> {
    const code = await codeThroughConsent(
      e2e.server,
      { client_id: web.id, response_type: 'code', scope },
      'alice',
    );
    return expectTokenSuccess(
      await request(e2e.server)
        .post('/oauth/token')
        .set('Authorization', basicOf(web))
        .type('form')
        .send({ grant_type: 'authorization_code', code }),
      { scope, expiresIn: TTL },
    );
  }

  function webToken(): Promise<string> {
    return clientCredentialsToken(e2e.server, web, 'profile', TTL);
  }

  /** RFC 7009 §2.2: 200 with an empty body, whatever became of the token. */
  function expectRevoked(response: request.Response): void {
    expect({
      status: response.status,
      text: response.text,
      cacheControl: headerOf(response, 'Cache-Control'),
    }).toEqual({ status: 200, text: '', cacheControl: 'no-store' });
  }

  describe('POST /oauth/revoke (RFC 7009)', () => {
    it('answers 200 with an empty body and the token stops working (RFC 7009 §2.2)', async () => {
      const accessToken = await webToken();
      await me(accessToken).expect(200);
      expectRevoked(await revoke().set('Authorization', basicOf(web)).send({ token: accessToken }));
      expectBearerRefusal(await me(accessToken), {
        status: 401,
        error: 'invalid_token',
        description: 'the access token was revoked',
      });
    });

    it('revokes for a client sending client_secret in the body (RFC 6749 §2.3.1)', async () => {
      const accessToken = await webToken();
      expectRevoked(
        await revoke().send({
          token: accessToken,
          client_id: web.id,
          client_secret: secretOf(web),
        }),
      );
      await me(accessToken).expect(401);
    });

    it('revokes the token of a public client naming itself with client_id (RFC 7009 §2.1)', async () => {
      const pkce = pkcePair();
      const code = await codeThroughConsent(e2e.server, {
        client_id: spa.id,
        response_type: 'code',
        scope: 'profile',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      });
      const issued = expectTokenSuccess(
        await request(e2e.server).post('/oauth/token').type('form').send({
          grant_type: 'authorization_code',
          code,
          client_id: spa.id,
          code_verifier: pkce.verifier,
        }),
        { scope: 'profile', expiresIn: TTL },
      );
      expectRevoked(await revoke().send({ token: issued.access_token, client_id: spa.id }));
      await me(issued.access_token).expect(401);
    });

    it('ignores token_type_hint and still revokes (RFC 7009 §2.1)', async () => {
      const accessToken = await webToken();
      expectRevoked(
        await revoke()
          .set('Authorization', basicOf(web))
          .send({ token: accessToken, token_type_hint: 'refresh_token' }),
      );
      await me(accessToken).expect(401);
    });

    it.each([
      ['never issued', NEVER_ISSUED],
      ['not even shaped like a token', 'garbage'],
    ])('answers 200 for a token %s (RFC 7009 §2.2)', async (_case, unknownToken) => {
      expectRevoked(
        await revoke().set('Authorization', basicOf(web)).send({ token: unknownToken }),
      );
    });

    it('answers 200 for a token already revoked (RFC 7009 §2.2)', async () => {
      const accessToken = await webToken();
      expectRevoked(await revoke().set('Authorization', basicOf(web)).send({ token: accessToken }));
      expectRevoked(await revoke().set('Authorization', basicOf(web)).send({ token: accessToken }));
    });

    it("refuses another client's token with unauthorized_client and leaves it working (RFC 7009 §2.1)", async () => {
      const accessToken = await webToken();
      const response = await revoke()
        .set('Authorization', basicOf(other))
        .send({ token: accessToken });
      expectTokenError(response, {
        status: 400,
        error: 'unauthorized_client',
        description: 'the token was not issued to this client (RFC 7009 section 2.1)',
      });
      await me(accessToken).expect(200);
    });

    it('refuses a request without token with invalid_request (RFC 7009 §2.1)', async () => {
      const response = await revoke().set('Authorization', basicOf(web)).send({});
      expectTokenError(response, {
        status: 400,
        error: 'invalid_request',
        description: 'token is missing',
      });
    });

    it('refuses a request without client authentication with 401 invalid_client (RFC 7009 §2.1)', async () => {
      const accessToken = await webToken();
      const response = await revoke().send({ token: accessToken });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'the client must authenticate or send client_id (RFC 7009 section 2.1)',
        challenge: BASIC_CHALLENGE,
      });
      await me(accessToken).expect(200);
    });

    it('refuses a wrong secret with 401 invalid_client (RFC 7009 §2.2.1, RFC 6749 §5.2)', async () => {
      const accessToken = await webToken();
      const response = await revoke().send({
        token: accessToken,
        client_id: web.id,
        client_secret: 'wrong',
      });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'client authentication failed',
        challenge: BASIC_CHALLENGE,
      });
      await me(accessToken).expect(200);
    });

    it('refuses a JSON body with invalid_request (RFC 7009 §2.1)', async () => {
      const response = await request(e2e.server)
        .post('/oauth/revoke')
        .set('Authorization', basicOf(web))
        .send({ token: NEVER_ISSUED });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_request',
        description: 'the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)',
      });
    });
  });

  describe('POST /oauth/introspect (RFC 7662)', () => {
    it('refuses a public client naming itself by client_id alone with 401 invalid_client (RFC 7662 §2.1)', async () => {
      const response = await introspect().send({ token: NEVER_ISSUED, client_id: spa.id });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'introspection requires client authentication (RFC 7662 section 2.1)',
        challenge: BASIC_CHALLENGE,
      });
    });

    it('refuses a request without client authentication with 401 invalid_client (RFC 7662 §2.1)', async () => {
      const response = await introspect().send({ token: await webToken() });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'introspection requires client authentication (RFC 7662 section 2.1)',
        challenge: BASIC_CHALLENGE,
      });
    });

    it('refuses a wrong Basic secret with 401 invalid_client (RFC 7662 §2.1)', async () => {
      const response = await introspect()
        .set('Authorization', basic(web.id, 'wrong'))
        .send({ token: NEVER_ISSUED });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'client authentication failed',
        challenge: BASIC_CHALLENGE,
      });
    });

    it('refuses a request without token with invalid_request (RFC 7662 §2.1)', async () => {
      const response = await introspect().set('Authorization', basicOf(web)).send({});
      expectTokenError(response, {
        status: 400,
        error: 'invalid_request',
        description: 'token is missing',
      });
    });

    it.each([
      ['never issued', NEVER_ISSUED],
      ['not even shaped like a token', 'garbage'],
    ])(
      'says active:false and nothing more for a token %s (RFC 7662 §2.2)',
      async (_case, unknown) => {
        const response = await introspect()
          .set('Authorization', basicOf(web))
          .send({ token: unknown });
        expectIntrospection(response, { active: false });
      },
    );

    it('says active:false for a revoked token (RFC 7662 §2.2)', async () => {
      const accessToken = await webToken();
      await revoke().set('Authorization', basicOf(web)).send({ token: accessToken }).expect(200);
      const response = await introspect()
        .set('Authorization', basicOf(web))
        .send({ token: accessToken });
      expectIntrospection(response, { active: false });
    });

    it("describes a user's live token: scope, client_id, token_type, exp, iat, sub and extras (RFC 7662 §2.2)", async () => {
      const before = nowInSeconds();
      const issued = await aliceToken('profile email');
      const after = nowInSeconds();
      const response = await introspect()
        .set('Authorization', basicOf(web))
        .send({ token: issued.access_token });
      expectIntrospection(response, {
        active: true,
        scope: 'profile email',
        client_id: web.id,
        token_type: 'Bearer',
        iat: expect.any(Number),
        exp: expect.any(Number),
        sub: 'alice',
      });
      const { iat, exp } = response.body as { iat: number; exp: number };
      expect(iat).toBeGreaterThanOrEqual(before);
      expect(iat).toBeLessThanOrEqual(after);
      // Whole-second bookkeeping may add a second to the lifetime, never take one away.
      expect(exp - iat).toBeGreaterThanOrEqual(TTL);
      expect(exp - iat).toBeLessThanOrEqual(TTL + 1);
    });

    it("describes a client's own token without sub, for a client using client_secret_post (RFC 7662 §2.2)", async () => {
      const accessToken = await clientCredentialsToken(e2e.server, other, 'email', TTL);
      const response = await introspect().send({
        token: accessToken,
        client_id: other.id,
        client_secret: secretOf(other),
      });
      expectIntrospection(response, {
        active: true,
        scope: 'email',
        client_id: other.id,
        token_type: 'Bearer',
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
    });

    it('tells another client nothing of a token, not even that it is live (RFC 7662 §4)', async () => {
      const issued = await aliceToken('profile');
      const response = await introspect()
        .set('Authorization', basicOf(other))
        .send({ token: issued.access_token });
      expectIntrospection(response, { active: false });
      await me(issued.access_token).expect(200);
    });

    it("lets a client registered as a resource server read any client's token (RFC 7662 §4)", async () => {
      const api = await e2e.clients.create({
        clientType: 'web',
        redirectUrls: [CALLBACK],
        resourceServer: true,
      });
      const accessToken = await clientCredentialsToken(e2e.server, other, 'email', TTL);
      const response = await introspect()
        .set('Authorization', basicOf(api))
        .send({ token: accessToken });
      expect(response.body).toMatchObject({ active: true, client_id: other.id });
      await e2e.clients.update(api.id, { resourceServer: false });
      const after = await introspect()
        .set('Authorization', basicOf(api))
        .send({ token: accessToken });
      expectIntrospection(after, { active: false });
    });
  });

  describe('with tokens that expire after 1 s', () => {
    let shortLived: E2eApp;
    let client: RegisteredClient;

    beforeAll(async () => {
      shortLived = await startE2eApp(adapter, { accessTokenTtl: 1 });
      client = await shortLived.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    });
    afterAll(() => shortLived.close());

    it('says active:false once the token expired (RFC 7662 §2.2)', async () => {
      await startOfSecond();
      const accessToken = await clientCredentialsToken(shortLived.server, client, undefined, 1);
      const ask = () =>
        request(shortLived.server)
          .post('/oauth/introspect')
          .set('Authorization', basicOf(client))
          .type('form')
          .send({ token: accessToken });

      const live = await ask();
      expect(live.body).toMatchObject({ active: true, client_id: client.id });
      const { exp, iat } = live.body as { exp: number; iat: number };
      expect(exp - iat).toBeGreaterThanOrEqual(1);
      expect(exp - iat).toBeLessThanOrEqual(2);

      // The lifetime must pass: wait until the exp the server announced, and a little more.
      await sleep(Math.max(0, exp * 1000 - Date.now()) + 100);
      expectIntrospection(await ask(), { active: false });
      expectBearerRefusal(
        await request(shortLived.server)
          .get('/api/any')
          .set('Authorization', `Bearer ${accessToken}`),
        { status: 401, error: 'invalid_token', description: 'the access token expired' },
      );
    });
  });
});
