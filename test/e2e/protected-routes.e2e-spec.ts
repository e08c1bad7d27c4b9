import request from 'supertest';
import type { RegisteredClient } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { basic, NEVER_ISSUED } from '../support/grants';
import { basicOf, clientCredentialsToken, E2eApp, startE2eApp } from '../support/http-flows';
import { basicChallenge, expectBearerRefusal, expectTokenError } from '../support/rfc-assertions';

const SCOPES = ['profile', 'email', 'admin', 'root'];
const MALFORMED_HEADER = "the Authorization header is not 'Bearer <token>' (RFC 6750 section 2.1)";
const TWO_METHODS = 'the token was sent by more than one method (RFC 6750 section 2)';

describe.each(ADAPTERS)('protected routes (%s)', (adapter) => {
  describe('with default options', () => {
    let e2e: E2eApp;
    let client: RegisteredClient;
    let profileToken: string;

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, { scopes: SCOPES });
      client = await e2e.clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      profileToken = await clientCredentialsToken(e2e.server, client, 'profile');
    });
    afterAll(() => e2e.close());

    function tokenWith(scope?: string): Promise<string> {
      return clientCredentialsToken(e2e.server, client, scope);
    }

    function get(path: string, accessToken?: string): request.Test {
      const http = request(e2e.server).get(path);
      return accessToken === undefined ? http : http.set('Authorization', `Bearer ${accessToken}`);
    }

    describe('where the token comes from (RFC 6750 §2)', () => {
      it('takes it from the Authorization header (RFC 6750 §2.1)', async () => {
        const response = await get('/api/me', profileToken).expect(200);
        expect(response.body).toEqual({ client_id: client.id, scope: 'profile' });
      });

      it('takes the scheme name in any case (RFC 6750 §2.1, RFC 9110 §11.1)', async () => {
        await request(e2e.server)
          .get('/api/me')
          .set('Authorization', `bearer ${profileToken}`)
          .expect(200);
      });

      it('takes it from a form-encoded body (RFC 6750 §2.2)', async () => {
        const response = await request(e2e.server)
          .post('/api/me')
          .type('form')
          .send({ access_token: profileToken })
          .expect(200);
        expect(response.body).toEqual({ client_id: client.id, scope: 'profile' });
      });

      it('finds no token in the form body of a GET, which RFC 6750 §2.2 rules out', async () => {
        const response = await request(e2e.server)
          .get('/api/me')
          .type('form')
          .send({ access_token: profileToken });
        expectBearerRefusal(response, { status: 401 });
      });

      it('finds no token in a JSON body, which RFC 6750 §2.2 does not allow (RFC 6750 §3.1)', async () => {
        const response = await request(e2e.server)
          .post('/api/me')
          .send({ access_token: profileToken });
        expectBearerRefusal(response, { status: 401 });
      });

      it('finds no token in the query by default, so names no error (RFC 6750 §2.3, §3.1)', async () => {
        const response = await request(e2e.server)
          .get('/api/me')
          .query({ access_token: profileToken });
        expectBearerRefusal(response, { status: 401 });
      });

      it('refuses a token sent in the header and the body with invalid_request (RFC 6750 §2, §3.1)', async () => {
        const response = await request(e2e.server)
          .post('/api/me')
          .set('Authorization', `Bearer ${profileToken}`)
          .type('form')
          .send({ access_token: profileToken });
        expectBearerRefusal(response, {
          status: 400,
          error: 'invalid_request',
          description: TWO_METHODS,
        });
      });

      it('refuses an access_token repeated in the body with invalid_request (RFC 6750 §3.1)', async () => {
        const response = await request(e2e.server)
          .post('/api/me')
          .type('form')
          .send(`access_token=${profileToken}&access_token=${profileToken}`);
        expectBearerRefusal(response, {
          status: 400,
          error: 'invalid_request',
          description: 'access_token in the body is repeated or malformed',
        });
      });

      it.each([
        ['"Bearer" alone', 'Bearer'],
        ['"Bearer " with no token', 'Bearer '],
        ['two tokens', 'Bearer a b'],
        ['a character outside b64token', 'Bearer abc,def'],
      ])(
        'refuses an Authorization header with %s with 400 invalid_request (RFC 6750 §2.1, §3.1)',
        async (_case, header) => {
          const response = await request(e2e.server).get('/api/me').set('Authorization', header);
          expectBearerRefusal(response, {
            status: 400,
            error: 'invalid_request',
            description: MALFORMED_HEADER,
          });
        },
      );

      it('treats another scheme as no bearer token at all (RFC 6750 §3.1)', async () => {
        const response = await request(e2e.server)
          .get('/api/me')
          .set('Authorization', basicOf(client));
        expectBearerRefusal(response, { status: 401 });
      });
    });

    describe('which tokens pass (RFC 6750 §3.1)', () => {
      it('asks for a token with 401 and a challenge without error when none was sent (RFC 6750 §3, §3.1)', async () => {
        expectBearerRefusal(await get('/api/me'), { status: 401 });
        expect((await get('/api/me')).headers['www-authenticate']).toBe('Bearer realm="oauthist"');
      });

      it.each([
        ['malformed', 'not-a-token', 'the access token is malformed'],
        ['never issued', NEVER_ISSUED, 'the access token is unknown'],
      ])(
        'refuses a %s token with 401 invalid_token (RFC 6750 §3.1)',
        async (_case, accessToken, description) => {
          expectBearerRefusal(await get('/api/me', accessToken), {
            status: 401,
            error: 'invalid_token',
            description,
          });
        },
      );

      it('refuses a revoked token with 401 invalid_token (RFC 6750 §3.1)', async () => {
        const accessToken = await tokenWith('profile');
        await get('/api/me', accessToken).expect(200);
        await request(e2e.server)
          .post('/oauth/revoke')
          .set('Authorization', basicOf(client))
          .type('form')
          .send({ token: accessToken })
          .expect(200);
        expectBearerRefusal(await get('/api/me', accessToken), {
          status: 401,
          error: 'invalid_token',
          description: 'the access token was revoked',
        });
      });

      it('refuses a token without the scope with 403 insufficient_scope naming the scopes (RFC 6750 §3.1)', async () => {
        expectBearerRefusal(await get('/api/admin', profileToken), {
          status: 403,
          error: 'insufficient_scope',
          description: 'the access token does not hold any of the required scopes',
          scope: 'admin root',
        });
      });

      it('lets a token holding any one of the scopes in (root alone passes admin-or-root)', async () => {
        const response = await get('/api/admin', await tokenWith('root')).expect(200);
        expect(response.body).toEqual({ client_id: client.id, scope: 'root' });
      });

      it('lets any live token into @Scopes() with none listed, even one without scope', async () => {
        const response = await get('/api/any', await tokenWith()).expect(200);
        expect(response.body).toEqual({ client_id: client.id, scope: '' });
      });

      it('still wants a token on @Scopes() with none listed (RFC 6750 §3.1)', async () => {
        expectBearerRefusal(await get('/api/any'), { status: 401 });
      });

      it("applies a controller's @Scopes('email') to its routes", async () => {
        const response = await get('/mail', await tokenWith('email')).expect(200);
        expect(response.body).toEqual({ client_id: client.id, scope: 'email' });
        expectBearerRefusal(await get('/mail', profileToken), {
          status: 403,
          error: 'insufficient_scope',
          description: 'the access token does not hold any of the required scopes',
          scope: 'email',
        });
        expectBearerRefusal(await get('/mail'), { status: 401 });
      });

      it('leaves a route without @Scopes() open, token or not', async () => {
        const open = await get('/api/public').expect(200);
        expect(open.body).toEqual({ public: true });
        expect(open.headers['www-authenticate']).toBeUndefined();
        await get('/api/public', 'not-a-token').expect(200);
      });
    });
  });

  describe('with the query allowed, the body refused and a realm of its own', () => {
    let e2e: E2eApp;
    let client: RegisteredClient;
    let profileToken: string;
    const realm = 'example api';

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, {
        scopes: SCOPES,
        realm,
        bearerTokenInQuery: true,
        bearerTokenInBody: false,
      });
      client = await e2e.clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      profileToken = await clientCredentialsToken(e2e.server, client, 'profile');
    });
    afterAll(() => e2e.close());

    it('takes the token from the query (RFC 6750 §2.3)', async () => {
      const response = await request(e2e.server)
        .get('/api/me')
        .query({ access_token: profileToken })
        .expect(200);
      expect(response.body).toEqual({ client_id: client.id, scope: 'profile' });
    });

    it('answers a token from the query with Cache-Control: private (RFC 6750 §2.3)', async () => {
      const fromQuery = await request(e2e.server)
        .get('/api/me')
        .query({ access_token: profileToken })
        .expect(200);
      expect(fromQuery.headers['cache-control']).toBe('private');
      const fromHeader = await request(e2e.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${profileToken}`)
        .expect(200);
      expect(fromHeader.headers['cache-control']).toBeUndefined();
    });

    it('refuses a token in the header and the query with invalid_request (RFC 6750 §2)', async () => {
      const response = await request(e2e.server)
        .get('/api/me')
        .query({ access_token: profileToken })
        .set('Authorization', `Bearer ${profileToken}`);
      expectBearerRefusal(response, {
        status: 400,
        realm,
        error: 'invalid_request',
        description: TWO_METHODS,
      });
    });

    it('finds no token in a form body once the body is turned off (RFC 6750 §2.2)', async () => {
      const response = await request(e2e.server)
        .post('/api/me')
        .type('form')
        .send({ access_token: profileToken });
      expectBearerRefusal(response, { status: 401, realm });
    });

    it("names the configured realm in the token endpoint's Basic challenge too (RFC 7617 §2)", async () => {
      const response = await request(e2e.server)
        .post('/oauth/token')
        .set('Authorization', basic(client.id, 'wrong'))
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_client',
        description: 'client authentication failed',
        challenge: basicChallenge(realm),
      });
    });

    it('names the configured realm in every challenge (RFC 6750 §3)', async () => {
      expectBearerRefusal(await request(e2e.server).get('/api/me'), { status: 401, realm });
      expectBearerRefusal(
        await request(e2e.server).get('/api/me').set('Authorization', `Bearer ${NEVER_ISSUED}`),
        { status: 401, realm, error: 'invalid_token', description: 'the access token is unknown' },
      );
      expectBearerRefusal(
        await request(e2e.server).get('/api/admin').set('Authorization', `Bearer ${profileToken}`),
        {
          status: 403,
          realm,
          error: 'insufficient_scope',
          description: 'the access token does not hold any of the required scopes',
          scope: 'admin root',
        },
      );
    });
  });
});
