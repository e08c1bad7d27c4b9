import request from 'supertest';
import type { RegisteredClient } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import {
  authorizeThroughConsent,
  E2eApp,
  locationOf,
  requestIdOf,
  startE2eApp,
} from '../support/http-flows';
import { pkcePair } from '../support/pkce';
import {
  expectClientRedirect,
  expectErrorPage,
  expectTokenError,
  headerOf,
} from '../support/rfc-assertions';

const CALLBACK = 'https://client.example/cb';
const SECOND_CALLBACK = 'https://client.example/second';
const SPA_CALLBACK = 'https://spa.example/cb';
const ISSUER = 'https://as.example';
const STATE = 'xyz-123';
const REQUEST_ID = /^[A-Za-z0-9_-]{43}$/;

type Method = 'GET' | 'POST';

/** A request to the authorization endpoint with a raw query or form body, repeats and all. */
function authorize(e2e: E2eApp, method: Method, parameters: string, accept?: string): request.Test {
  const http =
    method === 'GET'
      ? request(e2e.server).get(`/oauth/authorize?${parameters}`)
      : request(e2e.server).post('/oauth/authorize').type('form').send(parameters);
  return accept === undefined ? http : http.set('Accept', accept);
}

function form(parameters: Record<string, string>): string {
  return new URLSearchParams(parameters).toString();
}

describe.each(ADAPTERS)('authorization endpoint (%s)', (adapter) => {
  describe('with default options', () => {
    let e2e: E2eApp;
    let web: RegisteredClient;
    let twoCallbacks: RegisteredClient;
    let spa: RegisteredClient;

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, { scopes: ['profile', 'email'] });
      web = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
      twoCallbacks = await e2e.clients.create({
        clientType: 'web',
        redirectUrls: [CALLBACK, SECOND_CALLBACK],
      });
      spa = await e2e.clients.create({ clientType: 'user-agent', redirectUrls: [SPA_CALLBACK] });
    });
    afterAll(() => e2e.close());

    /** Requests that must never be redirected: the client or its redirection URI is in doubt. */
    const broken: [string, () => string, string, string][] = [
      ['client_id missing', () => 'response_type=code', 'invalid_request', 'client_id is missing'],
      [
        'client_id unknown',
        () => 'response_type=code&client_id=no-such-client',
        'invalid_client',
        'client_id names no registered client',
      ],
      [
        'client_id repeated',
        () => `response_type=code&client_id=${web.id}&client_id=${web.id}`,
        'invalid_request',
        'client_id is repeated or malformed (RFC 6749 section 3.1)',
      ],
      [
        'redirect_uri not registered',
        () =>
          form({
            response_type: 'code',
            client_id: web.id,
            redirect_uri: 'https://attacker.example/cb',
          }),
        'invalid_request',
        'redirect_uri is not registered for this client (RFC 6749 section 3.1.2.4)',
      ],
      [
        'redirect_uri a prefix of the registered one',
        () => form({ response_type: 'code', client_id: web.id, redirect_uri: `${CALLBACK}/x` }),
        'invalid_request',
        'redirect_uri is not registered for this client (RFC 6749 section 3.1.2.4)',
      ],
      [
        'redirect_uri missing while several are registered',
        () => form({ response_type: 'code', client_id: twoCallbacks.id, state: STATE }),
        'invalid_request',
        'redirect_uri is required, as the client registered several (RFC 6749 section 3.1.2.3)',
      ],
    ];

    /** Requests whose client and redirection URI are sound: the error goes back to the client. */
    const invalid: [string, () => RegisteredClient, Record<string, string>, string, string][] = [
      ['response_type missing', () => web, {}, 'invalid_request', 'response_type is missing'],
      [
        'response_type unsupported',
        () => web,
        { response_type: 'id_token' },
        'unsupported_response_type',
        'response_type id_token is not supported here',
      ],
      [
        'scope outside the allowed list',
        () => web,
        { response_type: 'code', scope: 'profile wallet' },
        'invalid_scope',
        'unknown scope: wallet',
      ],
      [
        'a public client without PKCE',
        () => spa,
        { response_type: 'code' },
        'invalid_request',
        'code_challenge is required for public clients (RFC 9700 section 2.1.1)',
      ],
      [
        'the plain PKCE method',
        () => spa,
        {
          response_type: 'code',
          code_challenge: pkcePair().verifier,
          code_challenge_method: 'plain',
        },
        'invalid_request',
        'code_challenge_method plain is not supported; use S256 (RFC 7636 section 4.4.1)',
      ],
    ];

    describe.each<Method>(['GET', 'POST'])('by %s', (method) => {
      it.each(broken)(
        'answers %s with a 400 HTML page, never a redirect (RFC 6749 §4.1.2.1)',
        async (_case, parameters, error, description) => {
          const response = await authorize(e2e, method, parameters());
          expectErrorPage(response, { status: 400, error, description });
        },
      );

      it.each(broken)(
        'answers %s with RFC 6749 §5.2 JSON when the caller accepts only JSON',
        async (_case, parameters, error, description) => {
          const response = await authorize(e2e, method, parameters(), 'application/json');
          expectTokenError(response, { status: 400, error, description });
        },
      );

      it.each(invalid)(
        'redirects %s back to the client with error and state (RFC 6749 §4.1.2.1)',
        async (_case, client, parameters, error, description) => {
          const response = await authorize(
            e2e,
            method,
            form({ client_id: client().id, state: STATE, ...parameters }),
          );
          expectClientRedirect(response, {
            redirectUri: client().redirectUrls[0],
            query: { error, error_description: description, state: STATE },
          });
        },
      );

      it('redirects response_type=token with the implicit grant off, in the fragment (RFC 6749 §4.2.2.1)', async () => {
        const response = await authorize(
          e2e,
          method,
          form({ client_id: spa.id, response_type: 'token', state: STATE }),
        );
        expectClientRedirect(response, {
          redirectUri: SPA_CALLBACK,
          fragment: {
            error: 'unsupported_response_type',
            error_description: 'the implicit grant is turned off (RFC 9700 section 2.1.2)',
            state: STATE,
          },
        });
      });

      it('sends a good request to the consent page with its request_id (RFC 6749 §4.1.1)', async () => {
        const response = await authorize(
          e2e,
          method,
          form({ client_id: web.id, response_type: 'code', scope: 'profile', state: STATE }),
        );
        expect(response.status).toBe(302);
        expect(headerOf(response, 'Cache-Control')).toBe('no-store');
        expect(headerOf(response, 'Location')).toMatch(/^\/consent\?request_id=[A-Za-z0-9_-]{43}$/);
      });

      it('ignores unrecognized parameters, even repeated (RFC 6749 §3.1)', async () => {
        const response = await authorize(
          e2e,
          method,
          `${form({ client_id: web.id, response_type: 'code' })}&ui_locales=de&ui_locales=en&ui=x`,
        );
        expect(headerOf(response, 'Location')).toMatch(/^\/consent\?request_id=[A-Za-z0-9_-]{43}$/);
      });

      it('gives the client a code and its state once the user allows (RFC 6749 §4.1.2)', async () => {
        const answer = await authorizeThroughConsent(
          e2e.server,
          { client_id: web.id, response_type: 'code', scope: 'profile email', state: STATE },
          { method, user: 'alice', decision: 'allow' },
        );
        expectClientRedirect(answer, {
          redirectUri: CALLBACK,
          query: { code: expect.stringMatching(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/), state: STATE },
        });
      });

      it('redirects with access_denied and the state when the user denies (RFC 6749 §4.1.2.1)', async () => {
        const answer = await authorizeThroughConsent(
          e2e.server,
          { client_id: twoCallbacks.id, redirect_uri: SECOND_CALLBACK, response_type: 'code' },
          { method, decision: 'deny' },
        );
        expectClientRedirect(answer, {
          redirectUri: SECOND_CALLBACK,
          query: {
            error: 'access_denied',
            error_description: 'the resource owner denied the request',
          },
        });
      });

      it('accepts a public client with an S256 challenge (RFC 7636 §4.3)', async () => {
        const answer = await authorizeThroughConsent(
          e2e.server,
          {
            client_id: spa.id,
            response_type: 'code',
            code_challenge: pkcePair().challenge,
            code_challenge_method: 'S256',
            state: STATE,
          },
          { method },
        );
        expectClientRedirect(answer, {
          redirectUri: SPA_CALLBACK,
          query: { code: expect.any(String), state: STATE },
        });
      });
    });

    it("keeps the registered redirect URI's own query in the redirect (RFC 6749 §3.1.2)", async () => {
      const withQuery = await e2e.clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb?tenant=7'],
      });
      const refused = await authorize(
        e2e,
        'GET',
        form({ client_id: withQuery.id, response_type: 'id_token', state: STATE }),
      );
      expectClientRedirect(refused, {
        redirectUri: CALLBACK,
        query: {
          tenant: '7',
          error: 'unsupported_response_type',
          error_description: 'response_type id_token is not supported here',
          state: STATE,
        },
      });
      const allowed = await authorizeThroughConsent(e2e.server, {
        client_id: withQuery.id,
        response_type: 'code',
        state: STATE,
      });
      expectClientRedirect(allowed, {
        redirectUri: CALLBACK,
        query: { tenant: '7', code: expect.any(String), state: STATE },
      });
    });

    it("never puts the request's markup raw into the error page", async () => {
      const payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
      const response = await authorize(
        e2e,
        'GET',
        form({ response_type: 'code', client_id: payload, state: payload }),
      );
      expectErrorPage(response, {
        status: 400,
        error: 'invalid_client',
        description: 'client_id names no registered client',
      });
      expect(response.text).not.toMatch(/<script|<img/i);
    });

    it('never puts the values of a repeated client_id raw into the error page', async () => {
      const response = await authorize(
        e2e,
        'GET',
        `response_type=code&client_id=<b>1</b>&client_id=<i>2</i>`,
      );
      expectErrorPage(response, {
        status: 400,
        error: 'invalid_request',
        description: 'client_id is repeated or malformed (RFC 6749 section 3.1)',
      });
      expect(response.text).not.toMatch(/<b>|<i>/);
    });

    it('serves a pending request only once: a replayed consent is refused', async () => {
      const response = await authorize(
        e2e,
        'GET',
        form({ client_id: web.id, response_type: 'code' }),
      );
      const requestId = requestIdOf(locationOf(response));
      const consent = { request_id: requestId, user: 'alice', decision: 'allow' };
      await request(e2e.server).get('/consent').query(consent).expect(302);
      const replay = await request(e2e.server).get('/consent').query(consent);
      expect(replay.status).toBe(404);
    });
  });

  describe('with issuer, consentUrl and the implicit grant set', () => {
    let e2e: E2eApp;
    let web: RegisteredClient;
    let spa: RegisteredClient;

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, {
        scopes: ['profile', 'email'],
        issuer: ISSUER,
        consentUrl: 'https://app.example/consent?tenant=7',
        implicitGrant: true,
      });
      web = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
      spa = await e2e.clients.create({ clientType: 'user-agent', redirectUrls: [SPA_CALLBACK] });
    });
    afterAll(() => e2e.close());

    it('sends a good request to the configured consent URL, keeping its query', async () => {
      const response = await authorize(
        e2e,
        'GET',
        form({ client_id: web.id, response_type: 'code' }),
      );
      const location = locationOf(response);
      expect(location).toMatch(/^https:\/\/app\.example\/consent\?tenant=7&request_id=[^&]+$/);
      expect(requestIdOf(location)).toMatch(REQUEST_ID);
    });

    it('adds iss to an error redirect (RFC 9207 §2)', async () => {
      const response = await authorize(
        e2e,
        'POST',
        form({ client_id: web.id, response_type: 'code', scope: 'admin', state: STATE }),
      );
      expectClientRedirect(response, {
        redirectUri: CALLBACK,
        query: {
          error: 'invalid_scope',
          error_description: 'unknown scope: admin',
          state: STATE,
          iss: ISSUER,
        },
      });
    });

    it('adds iss to the code redirect (RFC 9207 §2, RFC 6749 §4.1.2)', async () => {
      const answer = await authorizeThroughConsent(e2e.server, {
        client_id: web.id,
        response_type: 'code',
        state: STATE,
      });
      expectClientRedirect(answer, {
        redirectUri: CALLBACK,
        query: { code: expect.any(String), state: STATE, iss: ISSUER },
      });
    });

    it('adds iss to access_denied (RFC 9207 §2)', async () => {
      const answer = await authorizeThroughConsent(
        e2e.server,
        { client_id: web.id, response_type: 'code', state: STATE },
        { decision: 'deny' },
      );
      expectClientRedirect(answer, {
        redirectUri: CALLBACK,
        query: {
          error: 'access_denied',
          error_description: 'the resource owner denied the request',
          state: STATE,
          iss: ISSUER,
        },
      });
    });

    it('returns the token in the fragment with the implicit grant on (RFC 6749 §4.2.2)', async () => {
      const answer = await authorizeThroughConsent(
        e2e.server,
        { client_id: spa.id, response_type: 'token', scope: 'profile', state: STATE },
        { user: 'bob' },
      );
      const { fragment } = expectClientRedirect(answer, {
        redirectUri: SPA_CALLBACK,
        fragment: {
          access_token: expect.any(String),
          token_type: 'Bearer',
          scope: 'profile',
          state: STATE,
          iss: ISSUER,
        },
      });
      const me = await request(e2e.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${fragment.access_token}`)
        .expect(200);
      expect(me.body).toEqual({ user_id: 'bob', client_id: spa.id, scope: 'profile' });
    });

    it('returns access_denied in the fragment when the user denies an implicit grant (RFC 6749 §4.2.2.1)', async () => {
      const answer = await authorizeThroughConsent(
        e2e.server,
        { client_id: spa.id, response_type: 'token', state: STATE },
        { decision: 'deny' },
      );
      expectClientRedirect(answer, {
        redirectUri: SPA_CALLBACK,
        fragment: {
          error: 'access_denied',
          error_description: 'the resource owner denied the request',
          state: STATE,
          iss: ISSUER,
        },
      });
    });
  });
});
