import fc from 'fast-check';
import type { RegisteredClient } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { clientCredentialsToken, E2eApp, startE2eApp } from '../support/http-flows';
import {
  CaseCount,
  ERROR_DESCRIPTION,
  exchange,
  expectAlive,
  formOf,
  headerOf,
  hostileAuthorization,
  hostileParameters,
  mediaTypeOf,
  percentEncode,
  RawResponse,
  runs,
  SEED,
} from './hostile-input';

/** The fixture's protected routes: `@Scopes` on a handler, on a controller, and empty. */
const ROUTES = [
  { method: 'GET', path: '/api/me' },
  { method: 'POST', path: '/api/me' },
  { method: 'GET', path: '/api/admin' },
  { method: 'GET', path: '/api/any' },
  { method: 'GET', path: '/mail' },
] as const;

/** RFC 6750 §3: the challenge oauthist sends, with its error and scope attributes if any. */
const CHALLENGE =
  /^Bearer realm="oauthist"(?:, error="([a-z_]+)", error_description="([^"]*)")?(?:, scope="([^"]*)")?$/;

/** RFC 6750 §3.1: each error code has its status. */
const STATUS_OF_ERROR: Readonly<Record<string, number>> = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
};

const cases = new CaseCount();
afterAll(() => cases.print('protected-route'));

describe.each(ADAPTERS)('a @Scopes route under hostile input (%s)', (adapter) => {
  let e2e: E2eApp;
  let client: RegisteredClient;
  let canary: RegisteredClient;
  let tokens: string[];

  beforeAll(async () => {
    e2e = await startE2eApp(adapter, {
      scopes: ['profile', 'email', 'admin', 'root'],
      bearerTokenInQuery: true,
    });
    client = await e2e.clients.create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
    canary = await e2e.clients.create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
    tokens = [
      await clientCredentialsToken(e2e.server, client, 'profile'),
      await clientCredentialsToken(e2e.server, client, 'email admin'),
    ];
  });
  afterAll(() => e2e.close());
  afterEach(() => expectAlive(e2e.server, canary));

  /** Where a token may travel, good tokens included, so that some requests get through. */
  function tokenPlaces(): fc.Arbitrary<Record<string, string>> {
    return fc
      .record({
        token: fc.constantFrom(...tokens),
        extras: fc.dictionary(fc.constantFrom('scope', 'state', 'x'), fc.string({ maxLength: 8 })),
      })
      .map(({ token, extras }) => ({ ...extras, access_token: token }));
  }

  function authorizations(): fc.Arbitrary<string | undefined> {
    return fc.oneof(
      { weight: 3, arbitrary: hostileAuthorization(tokens.map((token) => `Bearer ${token}`)) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...tokens)
          .chain((token) =>
            fc.constantFrom(
              `bearer ${token}`,
              `Bearer   ${token}`,
              `Bearer ${token.slice(0, -1)}`,
              `Bearer ${token}x`,
              `Bearer ${token} `,
              `Bearer ${token}==`,
              `Bearer ${token.toUpperCase()}`,
              `Bearer ${percentEncode(token)}`,
            ),
          ),
      },
    );
  }

  /** An RFC 6750 §3 refusal: the status its error has, and JSON that names the same error. */
  function expectBearerAnswer(response: RawResponse): void {
    expect(response.status).toBeLessThan(500);
    if (response.status === 200) {
      expect((response.body as { client_id?: string }).client_id).toBe(client.id);
      return;
    }
    expect([400, 401, 403]).toContain(response.status);
    const challenge = headerOf(response, 'WWW-Authenticate') ?? '';
    const match = CHALLENGE.exec(challenge);
    if (match === null) throw new Error(`not an RFC 6750 challenge: ${challenge}`);
    const [, error, description, scope] = match;
    expect(mediaTypeOf(response)).toBe('application/json');
    if (error === undefined) {
      expect(response.status).toBe(401);
      expect(scope).toBeUndefined();
      return;
    }
    expect(response.status).toBe(STATUS_OF_ERROR[error]);
    expect(description).toMatch(ERROR_DESCRIPTION);
    expect(response.body).toEqual({ error, error_description: description });
    expect(scope === undefined).toBe(error !== 'insufficient_scope');
  }

  it('answers hostile Authorization headers, queries and form bodies per RFC 6750 §3', async () => {
    const property = `bearer token sources (${adapter})`;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        authorizations(),
        fc.option(hostileParameters(tokenPlaces(), 3000), { nil: undefined }),
        fc.option(hostileParameters(tokenPlaces(), 20_000), { nil: undefined }),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=UTF-8',
          // A body without a content type is refused by Fastify (415) before any guard runs.
          'text/plain',
        ),
        async (route, authorization, query, body, type) => {
          const path = query === undefined ? route.path : `${route.path}?${formOf(query)}`;
          const response = await exchange(
            e2e.server,
            route.method,
            path,
            body === undefined
              ? { Authorization: authorization }
              : { Authorization: authorization, 'Content-Type': type },
            body === undefined ? undefined : formOf(body),
          );
          cases.count(property, response.status);
          expectBearerAnswer(response);
        },
      ),
      { numRuns: runs(200), seed: SEED },
    );
  });

  it('answers a JSON body with a token in it as if it had no body token (RFC 6750 §2.2)', async () => {
    const property = `JSON bodies (${adapter})`;
    await fc.assert(
      fc.asyncProperty(
        authorizations(),
        fc.dictionary(
          fc.constantFrom('access_token', 'scope', 'token'),
          fc.oneof(
            fc.constantFrom(...tokens),
            // Fastify's JSON parser refuses these keys at any depth, before any guard runs.
            fc
              .jsonValue({ maxDepth: 2 })
              .filter((value) => !/"(__proto__|constructor)"/.test(JSON.stringify(value))),
          ),
        ),
        async (authorization, json) => {
          const response = await exchange(
            e2e.server,
            'POST',
            '/api/me',
            { Authorization: authorization, 'Content-Type': 'application/json' },
            JSON.stringify(json),
          );
          cases.count(property, response.status);
          expectBearerAnswer(response);
        },
      ),
      { numRuns: runs(100), seed: SEED },
    );
  });
});
