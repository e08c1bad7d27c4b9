import { Injectable } from '@nestjs/common';
import request from 'supertest';
import { fromRequest, GrantService, SignedInUserResolver, TokenService } from '../../lib';
import type { HttpRequestLike, RegisteredClient } from '../../lib';
import { ADAPTERS, FIXTURE_RESOURCES } from '../fixtures/http-app';
import { basicOf, E2eApp, locationOf, requestIdOf, startE2eApp } from '../support/http-flows';
import type { ModuleOptions } from '../support/module-options';
import {
  clientRedirectOf,
  expectClientRedirect,
  expectTokenSuccess,
} from '../support/rfc-assertions';

// Remembered consent and `prompt` at the authorization endpoint, over HTTP: a user's earlier
// consent answers a request the user already allowed (the `rememberConsent` option), and
// `prompt=none` is answered without any page (OpenID Connect Core 1.0 §3.1.2.1, §3.1.2.6).

const CALLBACK = 'https://client.example/cb';
const SPA_CALLBACK = 'https://spa.example/cb';
const ISSUER = 'https://as.example';
const STATE = 'st-42';
const SESSION_COOKIE = 'test_session';
const CODE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const CONSENT_PAGE = /^\/consent\?request_id=[A-Za-z0-9_-]{43}$/;

const LOGIN_REQUIRED = {
  error: 'login_required',
  error_description: 'no user is signed in, and prompt=none forbids asking',
};
const CONSENT_REQUIRED = {
  error: 'consent_required',
  error_description: 'the user has not allowed this request, and prompt=none forbids asking',
};

/**
 * The application's sessions as the tests keep them: the user signed in on a browser is the
 * value of its session cookie. A real resolver reads a signed session; this one trusts the
 * cookie, which only tests send.
 */
@Injectable()
class CookieSessions extends SignedInUserResolver {
  signedInUser(http: HttpRequestLike): string | null {
    const header = http.headers?.cookie;
    const cookies = typeof header === 'string' ? header.split(';') : [];
    for (const cookie of cookies) {
      const [name, ...value] = cookie.trim().split('=');
      if (name === SESSION_COOKIE && value.join('=') !== '')
        return decodeURIComponent(value.join('='));
    }
    return null;
  }
}

const withSessions: Pick<ModuleOptions, 'extraProviders'> = {
  extraProviders: [{ provide: SignedInUserResolver, useClass: CookieSessions }],
};

type Parameters = Record<string, string>;

/** A GET of the authorization endpoint, from the browser of `user` (`null`: nobody signed in). */
function authorize(e2e: E2eApp, parameters: Parameters, user: string | null): request.Test {
  const http = request(e2e.server).get('/oauth/authorize').query(parameters);
  return user === null ? http : http.set('Cookie', `${SESSION_COOKIE}=${encodeURIComponent(user)}`);
}

/** The request_id of a response that sends the user to the consent page. */
function expectConsentPage(response: request.Response): string {
  const location = locationOf(response);
  expect(location).toMatch(CONSENT_PAGE);
  return requestIdOf(location);
}

/** `user` allows at the consent page, as the application's page does it; the client's code. */
async function allow(e2e: E2eApp, requestId: string, user: string): Promise<string> {
  const answer = await request(e2e.server)
    .get('/consent')
    .query({ request_id: requestId, user, decision: 'allow' });
  const code = clientRedirectOf(locationOf(answer)).query.code;
  expect(code).toMatch(CODE);
  return code;
}

/** The code exchange of a confidential client (RFC 6749 §4.1.3); the access token. */
async function exchange(
  e2e: E2eApp,
  client: RegisteredClient,
  code: string,
  scope: string,
): Promise<string> {
  const response = await request(e2e.server)
    .post('/oauth/token')
    .set('Authorization', basicOf(client))
    .type('form')
    .send({ grant_type: 'authorization_code', code });
  return expectTokenSuccess(response, { scope }).access_token;
}

/** Who an access token is for, as a protected route sees it. */
async function whoHolds(e2e: E2eApp, token: string): Promise<Record<string, unknown>> {
  const response = await request(e2e.server)
    .get('/api/any')
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  return response.body as Record<string, unknown>;
}

function codeRequest(client: RegisteredClient, extra: Parameters = {}): Parameters {
  return { response_type: 'code', client_id: client.id, state: STATE, ...extra };
}

/**
 * `user` allows `client` the scopes (and resources) of `extra` through the consent page and the
 * code is exchanged: from then on, the grant holds a live token and the consent is remembered.
 */
async function consentOnce(
  e2e: E2eApp,
  client: RegisteredClient,
  user: string,
  extra: Parameters,
): Promise<string> {
  const requestId = expectConsentPage(await authorize(e2e, codeRequest(client, extra), user));
  const code = await allow(e2e, requestId, user);
  return exchange(e2e, client, code, extra.scope ?? '');
}

/**
 * What a request `user` has not allowed gets: the consent page, and consent_required under
 * prompt=none (OIDC Core §3.1.2.6), with the state and iss.
 */
async function expectNotCovered(
  e2e: E2eApp,
  client: RegisteredClient,
  user: string,
  extra: Parameters,
): Promise<void> {
  expectConsentPage(await authorize(e2e, codeRequest(client, extra), user));
  expectClientRedirect(
    await authorize(e2e, codeRequest(client, { ...extra, prompt: 'none' }), user),
    { redirectUri: CALLBACK, query: { ...CONSENT_REQUIRED, state: STATE, iss: ISSUER } },
  );
}

/** The code of a redirect straight to the client, with the state and iss, checked. */
function expectCodeRedirect(response: request.Response, iss?: string): string {
  const { query } = expectClientRedirect(response, {
    redirectUri: CALLBACK,
    query: { code: expect.stringMatching(CODE), state: STATE, ...(iss ? { iss } : {}) },
  });
  return query.code;
}

describe.each(ADAPTERS)('remembered consent and prompt (%s)', (adapter) => {
  describe('with a SignedInUserResolver and rememberConsent', () => {
    let e2e: E2eApp;
    let tokens: TokenService;
    let spa: RegisteredClient;

    /** A client of the test's own, so that no other test's consent is on it. */
    const newWeb = (): Promise<RegisteredClient> =>
      e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, {
        scopes: ['profile', 'email'],
        issuer: ISSUER,
        rememberConsent: true,
        implicitGrant: true,
        resources: [FIXTURE_RESOURCES.mcp, FIXTURE_RESOURCES.files],
        ...withSessions,
      });
      tokens = e2e.app.get(TokenService);
      spa = await e2e.clients.create({ clientType: 'user-agent', redirectUrls: [SPA_CALLBACK] });
    });
    afterAll(() => e2e.close());

    it('answers prompt=none with nobody signed in with login_required, state and iss (OIDC Core §3.1.2.6, RFC 9207 §2)', async () => {
      const web = await newWeb();
      const response = await authorize(e2e, codeRequest(web, { prompt: 'none' }), null);
      expectClientRedirect(response, {
        redirectUri: CALLBACK,
        query: { ...LOGIN_REQUIRED, state: STATE, iss: ISSUER },
      });
    });

    it('answers prompt=none with nobody signed in with login_required even where a consent exists (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      const response = await authorize(
        e2e,
        codeRequest(web, { scope: 'profile', prompt: 'none' }),
        null,
      );
      expectClientRedirect(response, {
        redirectUri: CALLBACK,
        query: { ...LOGIN_REQUIRED, state: STATE, iss: ISSUER },
      });
    });

    it('answers an implicit prompt=none with nobody signed in in the fragment (OIDC Core §3.1.2.6, RFC 6749 §4.2.2.1)', async () => {
      const response = await authorize(
        e2e,
        { response_type: 'token', client_id: spa.id, state: STATE, prompt: 'none' },
        null,
      );
      expectClientRedirect(response, {
        redirectUri: SPA_CALLBACK,
        fragment: { ...LOGIN_REQUIRED, state: STATE, iss: ISSUER },
      });
    });

    it('answers prompt=none from a signed-in user who never consented with consent_required (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      const response = await authorize(
        e2e,
        codeRequest(web, { scope: 'profile', prompt: 'none' }),
        'alice',
      );
      expectClientRedirect(response, {
        redirectUri: CALLBACK,
        query: { ...CONSENT_REQUIRED, state: STATE, iss: ISSUER },
      });
    });

    it('sends a first authorization to the consent URL, nobody signed in or not (RFC 6749 §4.1.1)', async () => {
      const web = await newWeb();
      expectConsentPage(await authorize(e2e, codeRequest(web, { scope: 'profile' }), 'alice'));
      expectConsentPage(await authorize(e2e, codeRequest(web, { scope: 'profile' }), null));
    });

    it('remembers no consent while its code is not exchanged: the grant holds no live token yet', async () => {
      const web = await newWeb();
      const first = expectConsentPage(
        await authorize(e2e, codeRequest(web, { scope: 'profile' }), 'alice'),
      );
      const code = await allow(e2e, first, 'alice');
      expectConsentPage(await authorize(e2e, codeRequest(web, { scope: 'profile' }), 'alice'));
      await exchange(e2e, web, code, 'profile');
      expectCodeRedirect(
        await authorize(e2e, codeRequest(web, { scope: 'profile' }), 'alice'),
        ISSUER,
      );
    });

    it('sends a second authorization for the same scopes straight back with a code that exchanges for a token (RFC 6749 §4.1.2)', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile email' });
      const code = expectCodeRedirect(
        await authorize(e2e, codeRequest(web, { scope: 'profile email' }), 'alice'),
        ISSUER,
      );
      const token = await exchange(e2e, web, code, 'profile email');
      expect(await whoHolds(e2e, token)).toEqual({
        user_id: 'alice',
        client_id: web.id,
        scope: 'profile email',
      });
    });

    it('answers a request for fewer scopes than consented with a code for those scopes only', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile email' });
      const code = expectCodeRedirect(
        await authorize(e2e, codeRequest(web, { scope: 'email' }), 'alice'),
        ISSUER,
      );
      const token = await exchange(e2e, web, code, 'email');
      expect(await whoHolds(e2e, token)).toMatchObject({ user_id: 'alice', scope: 'email' });
    });

    it('sends a request for more scopes than consented to the consent page, and answers it consent_required with prompt=none', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      await expectNotCovered(e2e, web, 'alice', { scope: 'profile email' });
    });

    it('remembers the wider consent once it is given: both scopes are then covered', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      await consentOnce(e2e, web, 'alice', { scope: 'profile email' });
      expectCodeRedirect(
        await authorize(e2e, codeRequest(web, { scope: 'email profile' }), 'alice'),
        ISSUER,
      );
    });

    it.each(['consent', 'login', 'select_account', 'create', 'login consent'])(
      'sends prompt=%s to the consent page even though the consent covers it (OIDC Core §3.1.2.1)',
      async (prompt) => {
        const web = await newWeb();
        await consentOnce(e2e, web, 'alice', { scope: 'profile' });
        expectConsentPage(
          await authorize(e2e, codeRequest(web, { scope: 'profile', prompt }), 'alice'),
        );
      },
    );

    it('answers a covered prompt=none with a code that exchanges for a token (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      const code = expectCodeRedirect(
        await authorize(e2e, codeRequest(web, { scope: 'profile', prompt: 'none' }), 'alice'),
        ISSUER,
      );
      const token = await exchange(e2e, web, code, 'profile');
      expect(await whoHolds(e2e, token)).toMatchObject({ user_id: 'alice', client_id: web.id });
    });

    it('ignores an unknown prompt value: a covered request is still answered with a code', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      expectCodeRedirect(
        await authorize(e2e, codeRequest(web, { scope: 'profile', prompt: 'unheard_of' }), 'alice'),
        ISSUER,
      );
    });

    it('forgets the consent on revokeGrant(): the consent page again, and consent_required with prompt=none (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      const token = await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      expectCodeRedirect(
        await authorize(e2e, codeRequest(web, { scope: 'profile' }), 'alice'),
        ISSUER,
      );
      expect(await tokens.revokeGrant('alice', web.id)).toBeGreaterThanOrEqual(1);
      await request(e2e.server).get('/api/any').set('Authorization', `Bearer ${token}`).expect(401);
      await expectNotCovered(e2e, web, 'alice', { scope: 'profile' });
    });

    it("does not take one user's consent for another's: bob goes to the consent page, or gets consent_required", async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      await expectNotCovered(e2e, web, 'bob', { scope: 'profile' });
    });

    it("does not take a consent to one client for another's request", async () => {
      const web = await newWeb();
      const other = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      expectConsentPage(await authorize(e2e, codeRequest(other, { scope: 'profile' }), 'alice'));
    });

    it('covers only the resources consented to (RFC 8707)', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile', resource: FIXTURE_RESOURCES.mcp });
      expectCodeRedirect(
        await authorize(
          e2e,
          codeRequest(web, { scope: 'profile', resource: FIXTURE_RESOURCES.mcp }),
          'alice',
        ),
        ISSUER,
      );
      expectConsentPage(
        await authorize(
          e2e,
          codeRequest(web, { scope: 'profile', resource: FIXTURE_RESOURCES.files }),
          'alice',
        ),
      );
      // A consent for a resource is not one for a token without an audience.
      expectConsentPage(await authorize(e2e, codeRequest(web, { scope: 'profile' }), 'alice'));
    });

    it('refuses prompt=none with another value: invalid_request to the client with state and iss (OIDC Core §3.1.2.1, RFC 6749 §4.1.2.1)', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      for (const user of ['alice', null]) {
        const response = await authorize(
          e2e,
          codeRequest(web, { scope: 'profile', prompt: 'none login' }),
          user,
        );
        expectClientRedirect(response, {
          redirectUri: CALLBACK,
          query: {
            error: 'invalid_request',
            error_description:
              'prompt=none cannot be combined with other values (OpenID Connect Core 1.0 section 3.1.2.1)',
            state: STATE,
            iss: ISSUER,
          },
        });
      }
    });

    it('refuses a repeated prompt parameter: invalid_request to the client (RFC 6749 §3.1, §4.1.2.1)', async () => {
      const web = await newWeb();
      const response = await request(e2e.server)
        .get(
          `/oauth/authorize?${new URLSearchParams(codeRequest(web)).toString()}&prompt=none&prompt=none`,
        )
        .set('Cookie', `${SESSION_COOKIE}=alice`);
      expectClientRedirect(response, {
        redirectUri: CALLBACK,
        query: {
          error: 'invalid_request',
          error_description: 'prompt is repeated or malformed (RFC 6749 section 3.1)',
          state: STATE,
          iss: ISSUER,
        },
      });
    });

    it('remembers an implicit consent too: the next implicit request gets its token in the fragment (RFC 6749 §4.2.2)', async () => {
      const implicit = { response_type: 'token', client_id: spa.id, state: STATE, scope: 'email' };
      const requestId = expectConsentPage(await authorize(e2e, implicit, 'carol'));
      const answer = await request(e2e.server)
        .get('/consent')
        .query({ request_id: requestId, user: 'carol', decision: 'allow' });
      expect(clientRedirectOf(locationOf(answer)).fragment.access_token).toBeDefined();
      const { fragment } = expectClientRedirect(
        await authorize(e2e, { ...implicit, prompt: 'none' }, 'carol'),
        {
          redirectUri: SPA_CALLBACK,
          fragment: {
            access_token: expect.any(String),
            token_type: 'Bearer',
            scope: 'email',
            state: STATE,
            iss: ISSUER,
          },
        },
      );
      expect(await whoHolds(e2e, fragment.access_token)).toEqual({
        user_id: 'carol',
        client_id: spa.id,
        scope: 'email',
      });
    });
  });

  describe('without a SignedInUserResolver (rememberConsent on): the consent page decides', () => {
    let e2e: E2eApp;
    let grants: GrantService;
    let tokens: TokenService;

    const newWeb = (): Promise<RegisteredClient> =>
      e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });

    /** The pending request the consent page was sent, as the page loads it. */
    async function pendingOf(response: request.Response) {
      const pending = await grants.getPendingAuthorization(expectConsentPage(response));
      if (pending === null) throw new Error('the pending request is gone');
      return pending;
    }

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, { scopes: ['profile', 'email'], rememberConsent: true });
      grants = e2e.app.get(GrantService);
      tokens = e2e.app.get(TokenService);
    });
    afterAll(() => e2e.close());

    it('sends a covered request to the consent page, whoever the browser is signed in as', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      expectConsentPage(await authorize(e2e, codeRequest(web, { scope: 'profile' }), 'alice'));
    });

    it("sends prompt=none to the consent page too, nobody signed in or not: answering it is the page's job", async () => {
      const web = await newWeb();
      expectConsentPage(await authorize(e2e, codeRequest(web, { prompt: 'none' }), null));
      expectConsentPage(await authorize(e2e, codeRequest(web, { prompt: 'none' }), 'alice'));
    });

    it('still refuses prompt=none with another value at the endpoint (OIDC Core §3.1.2.1)', async () => {
      const web = await newWeb();
      expectClientRedirect(await authorize(e2e, codeRequest(web, { prompt: 'login none' }), null), {
        redirectUri: CALLBACK,
        query: {
          error: 'invalid_request',
          error_description:
            'prompt=none cannot be combined with other values (OpenID Connect Core 1.0 section 3.1.2.1)',
          state: STATE,
        },
      });
    });

    it('gives the page the prompt sent', async () => {
      const web = await newWeb();
      const pending = await pendingOf(
        await authorize(e2e, codeRequest(web, { prompt: 'consent login unheard_of' }), null),
      );
      expect(pending.prompt).toEqual(['consent', 'login']);
    });

    it('answerWithoutPage(null) answers prompt=none with login_required and state, without iss when no issuer is set (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      const pending = await pendingOf(
        await authorize(e2e, codeRequest(web, { prompt: 'none' }), null),
      );
      const location = await pending.answerWithoutPage(null);
      expect(clientRedirectOf(location ?? '')).toEqual({
        base: CALLBACK,
        query: { ...LOGIN_REQUIRED, state: STATE },
        fragment: {},
      });
      // Answered: the request is gone, and the consent page can no longer load it.
      expect(await grants.getPendingAuthorization(pending.id)).toBeNull();
    });

    it('answerWithoutPage(user) answers an uncovered prompt=none with consent_required (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      const pending = await pendingOf(
        await authorize(e2e, codeRequest(web, { scope: 'profile', prompt: 'none' }), null),
      );
      expect(await pending.isGrantedBy('bob')).toBe(false);
      const location = await pending.answerWithoutPage('bob');
      expect(clientRedirectOf(location ?? '').query).toEqual({ ...CONSENT_REQUIRED, state: STATE });
    });

    it('answerWithoutPage(user) never answers a request saved for another user: login_required under prompt=none, else the page (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'bob', { scope: 'profile' });
      const savedFor = async (prompt?: string) => {
        const request = await grants.authorizationRequest(
          fromRequest({
            method: 'GET',
            query: codeRequest(web, { scope: 'profile', ...(prompt ? { prompt } : {}) }),
          }),
        );
        return request.savePending({ userId: 'alice' });
      };
      const silent = await savedFor('none');
      expect(clientRedirectOf((await silent.answerWithoutPage('bob')) ?? '').query).toEqual({
        error: 'login_required',
        error_description:
          'the user this request is for is not the one signed in, and prompt=none forbids asking',
        state: STATE,
      });
      const asked = await savedFor();
      expect(await asked.answerWithoutPage('bob')).toBeNull();
      // Still waiting: the page can answer it for alice.
      expect(await grants.getPendingAuthorization(asked.id)).not.toBeNull();
    });

    it('answerWithoutPage(user) answers a covered prompt=none with a code that exchanges for a token', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      const pending = await pendingOf(
        await authorize(e2e, codeRequest(web, { scope: 'profile', prompt: 'none' }), null),
      );
      expect(await pending.isGrantedBy('alice')).toBe(true);
      const { query } = clientRedirectOf((await pending.answerWithoutPage('alice')) ?? '');
      expect(query).toEqual({ code: expect.stringMatching(CODE), state: STATE });
      const token = await exchange(e2e, web, query.code, 'profile');
      expect(await whoHolds(e2e, token)).toMatchObject({ user_id: 'alice', client_id: web.id });
    });

    it('answerWithoutPage(user) accepts a covered request without prompt, and returns null for nobody, leaving it to the page', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      const pending = await pendingOf(
        await authorize(e2e, codeRequest(web, { scope: 'profile' }), null),
      );
      expect(await pending.answerWithoutPage(null)).toBeNull();
      expect(await grants.getPendingAuthorization(pending.id)).not.toBeNull();
      const { query } = clientRedirectOf((await pending.answerWithoutPage('alice')) ?? '');
      expect(query).toEqual({ code: expect.stringMatching(CODE), state: STATE });
    });

    it('answerWithoutPage(user) returns null for a covered prompt=consent (OIDC Core §3.1.2.1), and the page can still accept', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      const pending = await pendingOf(
        await authorize(e2e, codeRequest(web, { scope: 'profile', prompt: 'consent' }), null),
      );
      expect(await pending.answerWithoutPage('alice')).toBeNull();
      const code = clientRedirectOf(await pending.accept({ userId: 'alice' })).query.code;
      await exchange(e2e, web, code, 'profile');
    });

    it('isGrantedBy() is false once revokeGrant() forgot the consent', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      const pending = await pendingOf(
        await authorize(e2e, codeRequest(web, { scope: 'profile', prompt: 'none' }), null),
      );
      expect(await pending.isGrantedBy('alice')).toBe(true);
      await tokens.revokeGrant('alice', web.id);
      expect(await pending.isGrantedBy('alice')).toBe(false);
      const location = await pending.answerWithoutPage('alice');
      expect(clientRedirectOf(location ?? '').query).toEqual({ ...CONSENT_REQUIRED, state: STATE });
    });
  });

  describe('with a SignedInUserResolver and rememberConsent off: every signed-in request is put to the user', () => {
    let e2e: E2eApp;

    const newWeb = (): Promise<RegisteredClient> =>
      e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, { scopes: ['profile', 'email'], ...withSessions });
    });
    afterAll(() => e2e.close());

    it('sends a request that an earlier consent covers to the consent page', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      expectConsentPage(await authorize(e2e, codeRequest(web, { scope: 'profile' }), 'alice'));
    });

    it('answers a covered prompt=none with consent_required: no consent is remembered (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      await consentOnce(e2e, web, 'alice', { scope: 'profile' });
      expectClientRedirect(
        await authorize(e2e, codeRequest(web, { scope: 'profile', prompt: 'none' }), 'alice'),
        { redirectUri: CALLBACK, query: { ...CONSENT_REQUIRED, state: STATE } },
      );
    });

    it('answers prompt=none with nobody signed in with login_required (OIDC Core §3.1.2.6)', async () => {
      const web = await newWeb();
      expectClientRedirect(await authorize(e2e, codeRequest(web, { prompt: 'none' }), null), {
        redirectUri: CALLBACK,
        query: { ...LOGIN_REQUIRED, state: STATE },
      });
    });
  });

  describe('with a resolver that answers something other than a user id', () => {
    let e2e: E2eApp;
    /** What the resolver answers, as one written in plain JavaScript might. */
    let answer: unknown;

    class LooseSessions extends SignedInUserResolver {
      signedInUser(): string | null {
        return answer as string | null;
      }
    }

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, {
        scopes: ['profile'],
        rememberConsent: true,
        extraProviders: [{ provide: SignedInUserResolver, useClass: LooseSessions }],
      });
    });
    afterAll(() => e2e.close());

    it('takes a number for the user of that id, as user ids are taken elsewhere', async () => {
      answer = 42;
      const web = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
      expectClientRedirect(await authorize(e2e, codeRequest(web, { prompt: 'none' }), null), {
        redirectUri: CALLBACK,
        query: { ...CONSENT_REQUIRED, state: STATE },
      });
    });

    it.each([undefined, '', Number.NaN, false, {}])(
      'takes %p for nobody signed in: prompt=none gets login_required (OIDC Core §3.1.2.6)',
      async (loose) => {
        answer = loose;
        const web = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
        expectClientRedirect(await authorize(e2e, codeRequest(web, { prompt: 'none' }), null), {
          redirectUri: CALLBACK,
          query: { ...LOGIN_REQUIRED, state: STATE },
        });
        expectConsentPage(await authorize(e2e, codeRequest(web, {}), null));
      },
    );
  });
});
