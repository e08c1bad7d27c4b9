import request from 'supertest';
import type { OAuthistDynamicRegistrationOptions } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { codeThroughConsent, E2eApp, startE2eApp } from '../support/http-flows';
import { basic } from '../support/grants';
import { pkcePair } from '../support/pkce';
import {
  bearerChallenge,
  expectErrorPage,
  expectTokenError,
  expectTokenSuccess,
  headerOf,
  mediaTypeOf,
} from '../support/rfc-assertions';

const CALLBACK = 'https://client.example/cb';
const METADATA = '/.well-known/oauth-authorization-server';
const TOKEN = 'initial-access-token-0123456789';

function start(
  adapter: (typeof ADAPTERS)[number],
  registration: OAuthistDynamicRegistrationOptions | false | undefined,
): Promise<E2eApp> {
  return startE2eApp(adapter, {
    scopes: ['profile', 'email', 'admin'],
    ...(registration === undefined ? {} : { dynamicRegistration: registration }),
  });
}

describe.each(ADAPTERS)('dynamic client registration (%s)', (adapter) => {
  describe('off by default', () => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await start(adapter, undefined);
    });
    afterAll(() => e2e.close());

    it('answers 404 at /oauth/register and advertises no registration_endpoint', async () => {
      const response = await request(e2e.server)
        .post('/oauth/register')
        .send({ redirect_uris: [CALLBACK] });
      expect({ status: response.status, body: response.body as unknown }).toEqual({
        status: 404,
        body: { message: 'Cannot POST /oauth/register', error: 'Not Found', statusCode: 404 },
      });
      const metadata = await request(e2e.server).get(METADATA).expect(200);
      expect(metadata.body).not.toHaveProperty('registration_endpoint');
      expect(await e2e.clients.count()).toBe(0);
    });
  });

  describe('open', () => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await start(adapter, { rateLimit: { maxPerSource: 1000 } });
    });
    afterAll(() => e2e.close());

    const register = (body: unknown): request.Test =>
      request(e2e.server)
        .post('/oauth/register')
        .send(body as object);

    it('advertises registration_endpoint (RFC 8414 §2)', async () => {
      const { port } = e2e.server.address() as { port: number };
      const metadata = await request(e2e.server).get(METADATA).expect(200);
      expect(metadata.body.registration_endpoint).toBe(`http://127.0.0.1:${port}/oauth/register`);
    });

    it('registers a public client that completes the code flow with PKCE (RFC 7591 §3.2.1)', async () => {
      const response = await register({
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'none',
        client_name: 'Public App',
        scope: 'profile',
        unknown_member: 'ignored',
      });
      expect(response.status).toBe(201);
      expect(headerOf(response, 'Cache-Control')).toBe('no-store');
      expect(mediaTypeOf(response)).toBe('application/json');
      expect(response.body).toEqual({
        client_id: expect.any(String),
        client_id_issued_at: expect.any(Number),
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        client_name: 'Public App',
        scope: 'profile',
      });
      const clientId = response.body.client_id as string;
      const stored = await e2e.clients.get(clientId);
      expect(stored).toMatchObject({ origin: 'dynamic', clientType: 'user-agent' });
      expect(stored?.attributes.name).toBe('Public App');

      const pkce = pkcePair();
      const code = await codeThroughConsent(e2e.server, {
        client_id: clientId,
        response_type: 'code',
        scope: 'profile',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      });
      const token = await request(e2e.server).post('/oauth/token').type('form').send({
        grant_type: 'authorization_code',
        code,
        client_id: clientId,
        code_verifier: pkce.verifier,
      });
      expectTokenSuccess(token, { scope: 'profile' });
    });

    it('an otherwise invalid request of a self-registered client is shown, not redirected: its redirect URIs vouch for nothing (RFC 9700 §4.11.2)', async () => {
      const response = await register({
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: 'none',
        scope: 'profile',
      });
      expect(response.status).toBe(201);
      const authorize = await request(e2e.server)
        .get('/oauth/authorize')
        .query({
          client_id: response.body.client_id as string,
          response_type: 'code',
          scope: 'email',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        });
      expectErrorPage(authorize, {
        status: 400,
        error: 'invalid_scope',
        description: 'this client may not ask for: email (RFC 6749 section 3.3)',
      });
    });

    it('registers a confidential client whose secret works once, at the token endpoint (RFC 7591 §3.2.1)', async () => {
      const response = await register({ redirect_uris: [CALLBACK], client_name: 'Web App' });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        client_secret_expires_at: 0,
        token_endpoint_auth_method: 'client_secret_basic',
      });
      const { client_id: id, client_secret: secret } = response.body as Record<string, string>;
      const code = await codeThroughConsent(e2e.server, {
        client_id: id,
        response_type: 'code',
        scope: 'email',
      });
      const token = await request(e2e.server)
        .post('/oauth/token')
        .set('Authorization', basic(id, secret))
        .type('form')
        .send({ grant_type: 'authorization_code', code });
      expectTokenSuccess(token, { scope: 'email' });
    });

    it('refuses a grant the client did not register: client_credentials (RFC 7591 §2)', async () => {
      const response = await register({ redirect_uris: [CALLBACK] });
      const { client_id: id, client_secret: secret } = response.body as Record<string, string>;
      const token = await request(e2e.server)
        .post('/oauth/token')
        .set('Authorization', basic(id, secret))
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expectTokenError(token, {
        status: 400,
        error: 'unauthorized_client',
        description:
          'this client did not register the client_credentials grant (RFC 7591 section 2)',
      });
    });

    it.each([
      [
        'missing redirect_uris',
        {},
        'invalid_redirect_uri',
        'redirect_uris is required: at least one redirect URI (RFC 7591 section 2)',
      ],
      [
        'plain http to a remote host',
        { redirect_uris: ['http://client.example/cb'] },
        'invalid_redirect_uri',
        "'http://client.example/cb' uses plain http, which is allowed only for loopback hosts (RFC 9700 section 2.1, RFC 8252 section 7.3)",
      ],
      [
        'a fragment',
        { redirect_uris: ['https://client.example/cb#x'] },
        'invalid_redirect_uri',
        "'https://client.example/cb#x' must not include a fragment (RFC 6749 section 3.1.2)",
      ],
      [
        'an unsupported token_endpoint_auth_method',
        { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt' },
        'invalid_client_metadata',
        "token_endpoint_auth_method must be one of client_secret_basic, client_secret_post, none, got 'private_key_jwt'",
      ],
      [
        'a bad application_type',
        { redirect_uris: [CALLBACK], application_type: 'desktop' },
        'invalid_client_metadata',
        "application_type must be 'web' or 'native', got 'desktop'",
      ],
      [
        'a body that is not an object',
        [CALLBACK],
        'invalid_client_metadata',
        'the client metadata must be a JSON object (RFC 7591 section 3.1)',
      ],
      [
        'an unknown grant type',
        { redirect_uris: [CALLBACK], grant_types: ['urn:example:magic'] },
        'invalid_client_metadata',
        "grant type 'urn:example:magic' is not available to self-registered clients",
      ],
      [
        'the password grant',
        { redirect_uris: [CALLBACK], grant_types: ['password'] },
        'invalid_client_metadata',
        'the password grant is not offered to self-registered clients (RFC 9700 section 2.4 forbids it)',
      ],
      [
        'grant_types that disagree with response_types',
        { redirect_uris: [CALLBACK], grant_types: ['authorization_code'], response_types: [] },
        'invalid_client_metadata',
        'grant type authorization_code needs response type code (RFC 7591 section 2.1)',
      ],
      [
        'grant_types of the wrong type',
        { redirect_uris: [CALLBACK], grant_types: 'authorization_code' },
        'invalid_client_metadata',
        'grant_types must be an array of strings',
      ],
      [
        'a scope the server does not issue',
        { redirect_uris: [CALLBACK], scope: 'profile root' },
        'invalid_client_metadata',
        "'root' is not a scope this server issues",
      ],
      [
        'a logo_uri that is not a web URL',
        { redirect_uris: [CALLBACK], logo_uri: 'javascript:alert(1)' },
        'invalid_client_metadata',
        'logo_uri must be an absolute http or https URL (RFC 7591 section 2)',
      ],
    ])('refuses %s (RFC 7591 §3.2.2)', async (_case, body, error, description) => {
      expectTokenError(await register(body), { status: 400, error, description });
    });

    it('refuses a body that is not application/json (RFC 7591 §3.1, §3.2.2)', async () => {
      const response = await request(e2e.server)
        .post('/oauth/register')
        .type('form')
        .send({ redirect_uris: CALLBACK });
      expectTokenError(response, {
        status: 400,
        error: 'invalid_client_metadata',
        description: 'the client metadata must be sent as application/json (RFC 7591 section 3.1)',
      });
    });

    it('refuses a body that is not valid JSON (RFC 7591 §3.2.2)', async () => {
      const response = await request(e2e.server)
        .post('/oauth/register')
        .set('Content-Type', 'application/json')
        .send('{"redirect_uris": [');
      expectTokenError(response, {
        status: 400,
        error: 'invalid_client_metadata',
        description: 'the client metadata is not valid JSON',
      });
    });
  });

  describe('with an initial access token (RFC 7591 §3)', () => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await start(adapter, { initialAccessToken: [TOKEN] });
    });
    afterAll(() => e2e.close());

    it('refuses a request without one: 401 invalid_token with a Bearer challenge (RFC 6750 §3.1)', async () => {
      const response = await request(e2e.server)
        .post('/oauth/register')
        .send({ redirect_uris: [CALLBACK] });
      expectTokenError(response, {
        status: 401,
        error: 'invalid_token',
        description:
          'an initial access token is required: send Authorization: Bearer (RFC 7591 section 3)',
        challenge: 'Bearer realm="oauthist"',
      });
    });

    it('refuses a wrong token: 401 invalid_token (RFC 6750 §3.1)', async () => {
      const response = await request(e2e.server)
        .post('/oauth/register')
        .set('Authorization', 'Bearer not-the-initial-access-token')
        .send({ redirect_uris: [CALLBACK] });
      const description = 'the initial access token is not valid (RFC 7591 section 3)';
      expectTokenError(response, {
        status: 401,
        error: 'invalid_token',
        description,
        challenge: bearerChallenge({ error: 'invalid_token', description }),
      });
    });

    it('registers with the right token (RFC 7591 §3.1)', async () => {
      const response = await request(e2e.server)
        .post('/oauth/register')
        .set('Authorization', `Bearer ${TOKEN}`)
        .send({ redirect_uris: [CALLBACK] });
      expect(response.status).toBe(201);
    });
  });

  describe('rate limited per source', () => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await start(adapter, { rateLimit: { maxPerSource: 2, windowSeconds: 60 } });
    });
    afterAll(() => e2e.close());

    it('answers 429 with Retry-After past maxPerSource, counting only registrations', async () => {
      const register = (body: object): request.Test =>
        request(e2e.server).post('/oauth/register').send(body);
      // A refusal stores nothing and is not counted.
      expect((await register({})).status).toBe(400);
      expect((await register({ redirect_uris: [CALLBACK] })).status).toBe(201);
      expect((await register({ redirect_uris: [CALLBACK] })).status).toBe(201);
      const refused = await register({ redirect_uris: [CALLBACK] });
      expectTokenError(refused, {
        status: 429,
        error: 'temporarily_unavailable',
        description:
          'too many client registrations from this address; try again after Retry-After seconds',
      });
      expect(Number(headerOf(refused, 'Retry-After'))).toBeGreaterThan(0);
      expect(await e2e.clients.countSelfRegistered()).toBe(2);
    });
  });
});
