import fc from 'fast-check';
import type { RegisteredClient, UserCredentialsVerifier } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { basic } from '../support/grants';
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
  BODY_LIMIT,
  CaseCount,
  contentType,
  expectAlive,
  expectTokenEndpointError,
  expectTokenSuccess,
  formOf,
  hostileAuthorization,
  hostileBody,
  headerOf,
  hostileParameters,
  mediaTypeOf,
  RawResponse,
  rawPost,
  runs,
  SEED,
  wireValue,
} from './hostile-input';
import { withVerifier } from '../support/module-options';

const CALLBACK = 'https://client.example/cb';
const SPA_CALLBACK = 'https://spa.example/cb';
const ENDPOINTS = ['/oauth/token', '/oauth/revoke', '/oauth/introspect'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

const passwordVerifier: UserCredentialsVerifier = {
  verify: (username, password) =>
    username === 'alice' && password === 'wonderland' ? { userId: username } : null,
};

const cases = new CaseCount();
afterAll(() => cases.print('form-endpoints'));

describe.each(ADAPTERS)(
  'token, revocation and introspection under hostile input (%s)',
  (adapter) => {
    let e2e: E2eApp;
    let web: RegisteredClient;
    let spa: RegisteredClient;
    /** Used only to see that the app still answers: no case spends its brute-force allowance. */
    let canary: RegisteredClient;
    let accessToken: string;
    let code: string;

    beforeAll(async () => {
      e2e = await startE2eApp(adapter, {
        scopes: ['profile', 'email', 'admin'],
        ...withVerifier(passwordVerifier),
      });
      web = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
      spa = await e2e.clients.create({ clientType: 'user-agent', redirectUrls: [SPA_CALLBACK] });
      canary = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
      accessToken = await clientCredentialsToken(e2e.server, web, 'profile');
      code = await codeThroughConsent(e2e.server, {
        client_id: web.id,
        redirect_uri: CALLBACK,
        response_type: 'code',
        scope: 'profile',
      });
    });
    afterAll(() => e2e.close());
    afterEach(() => expectAlive(e2e.server, canary));

    /** Well-formed requests of each endpoint, which the mutations then bend. */
    function bases(endpoint: Endpoint): fc.Arbitrary<Record<string, string>> {
      const { verifier } = pkcePair();
      if (endpoint === '/oauth/token') {
        return fc.constantFrom<Record<string, string>>(
          { grant_type: 'client_credentials' },
          { grant_type: 'client_credentials', scope: 'profile email' },
          {
            grant_type: 'client_credentials',
            client_id: web.id,
            client_secret: secretOf(web),
            scope: 'admin',
          },
          { grant_type: 'password', username: 'alice', password: 'wonderland', scope: 'profile' },
          { grant_type: 'authorization_code', code, redirect_uri: CALLBACK },
          {
            grant_type: 'authorization_code',
            client_id: spa.id,
            code,
            redirect_uri: SPA_CALLBACK,
            code_verifier: verifier,
          },
          { grant_type: 'refresh_token', refresh_token: code },
        );
      }
      return fc.constantFrom<Record<string, string>>(
        { token: accessToken },
        { token: accessToken, token_type_hint: 'access_token' },
        { token: accessToken, client_id: spa.id },
        { token: accessToken, client_id: web.id, client_secret: secretOf(web) },
        { token: code, token_type_hint: 'refresh_token' },
      );
    }

    const endpoint = fc.constantFrom(...ENDPOINTS);

    function authorizations(): fc.Arbitrary<string | undefined> {
      return hostileAuthorization([basicOf(web), basic(web.id, 'wrong'), basic(spa.id, '')]);
    }

    /** What any answer of these endpoints must be: never 5xx, and RFC-shaped when it refuses. */
    function expectRfcAnswer(at: Endpoint, response: RawResponse): void {
      expect(response.status).toBeLessThan(500);
      if (response.status >= 400) {
        // 429: the brute-force limit of a client id or username (with Retry-After).
        expect([400, 401, 413, 429]).toContain(response.status);
        if (response.status === 429) expect(headerOf(response, 'Retry-After')).toMatch(/^\d+$/);
        expectTokenEndpointError(response);
        return;
      }
      expect(response.status).toBe(200);
      if (at === '/oauth/token') {
        expectTokenSuccess(response);
      } else if (at === '/oauth/introspect') {
        expect(mediaTypeOf(response)).toBe('application/json');
        expect(typeof (response.body as { active: unknown }).active).toBe('boolean');
      }
    }

    it('answers hostile form parameters and Authorization headers in the RFC shape', async () => {
      const property = `hostile form parameters (${adapter})`;
      await fc.assert(
        fc.asyncProperty(
          endpoint.chain((at) =>
            fc.record({
              at: fc.constant(at),
              pairs: hostileParameters(bases(at), 20_000),
              authorization: authorizations(),
              type: fc.constantFrom(
                'application/x-www-form-urlencoded',
                'application/x-www-form-urlencoded; charset=UTF-8',
              ),
            }),
          ),
          async ({ at, pairs, authorization, type }) => {
            const response = await rawPost(e2e.server, at, formOf(pairs), {
              'Content-Type': type,
              Authorization: authorization,
            });
            cases.count(property, response.status);
            expectRfcAnswer(at, response);
          },
        ),
        { numRuns: runs(200), seed: SEED },
      );
    });

    it('answers wrong, missing and odd content types and bodies in the RFC shape', async () => {
      const property = `content types and bodies (${adapter})`;
      await fc.assert(
        fc.asyncProperty(
          endpoint.chain((at) =>
            fc.record({
              at: fc.constant(at),
              type: contentType,
              body: hostileBody(hostileParameters(bases(at), 2000).map(formOf)),
              encoding: fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'x-foo'),
              authorization: authorizations(),
            }),
          ),
          async ({ at, type, body, encoding, authorization }) => {
            const response = await rawPost(e2e.server, at, body, {
              'Content-Type': type,
              'Content-Encoding': encoding,
              Authorization: authorization,
            });
            cases.count(property, response.status);
            expectRfcAnswer(at, response);
          },
        ),
        { numRuns: runs(200), seed: SEED },
      );
    });

    it('answers every body over the size limit with 413 invalid_request', async () => {
      const property = `bodies over the limit (${adapter})`;
      const limit = BODY_LIMIT[adapter];
      await fc.assert(
        fc.asyncProperty(
          endpoint,
          fc.integer({ min: 1, max: 4096 }),
          fc.constantFrom(
            'application/x-www-form-urlencoded',
            'application/json',
            'application/x-www-form-urlencoded; charset=UTF-8',
          ),
          wireValue(300),
          async (at, over, type, value) => {
            const head = `grant_type=client_credentials&token=${value}&padding=`;
            const body = head + 'x'.repeat(Math.max(0, limit + over - Buffer.byteLength(head)));
            const response = await rawPost(e2e.server, at, body, {
              'Content-Type': type,
              Authorization: basicOf(web),
            });
            cases.count(property, response.status);
            expect(response.status).toBe(413);
            expectTokenEndpointError(response);
            expect(response.body).toEqual({
              error: 'invalid_request',
              error_description: 'the request body is too large',
            });
          },
        ),
        { numRuns: runs(12), seed: SEED },
      );
    });
  },
);
