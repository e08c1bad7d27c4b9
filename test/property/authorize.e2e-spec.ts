import fc from 'fast-check';
import type { RegisteredClient } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { E2eApp, startE2eApp } from '../support/http-flows';
import { pkcePair } from '../support/pkce';
import {
  AUTHORIZATION_ERRORS,
  CaseCount,
  contentType,
  ERROR_DESCRIPTION,
  exchange,
  expectAlive,
  formOf,
  headerOf,
  hostileBody,
  hostileParameters,
  mediaTypeOf,
  Pair,
  RawResponse,
  redirectsTo,
  runs,
  SEED,
  unescapeHtml,
} from './hostile-input';

const WEB_CALLBACKS = ['https://client.example/cb', 'https://client.example/cb?tenant=a%20b'];
const SPA_CALLBACK = 'https://spa.example/cb';
const NATIVE_CALLBACKS = ['com.example.app:/oauth', 'http://127.0.0.1:8080/cb'];
/** Registered in their ASCII form, as RFC 3986 has them: punycode and percent-encoded UTF-8. */
const IDN_CALLBACK = 'https://xn--r8jz45g.example/caf%C3%A9?q=%E4%BE%8B';
const CONSENT = '/consent?request_id=';

/** Redirection URIs a client might send: the registered ones, bent ones, and attackers'. */
const REDIRECT_URIS = [
  ...WEB_CALLBACKS,
  SPA_CALLBACK,
  ...NATIVE_CALLBACKS,
  IDN_CALLBACK,
  'https://client.example/cb/',
  'https://client.example/CB',
  'https://CLIENT.example/cb',
  'https://client.example:443/cb',
  'https://client.example/cb?',
  'https://client.example/cb?tenant=a+b',
  'https://client.example/cb?tenant=a%20b&x=1',
  'https://client.example/cb#fragment',
  'https://client.example/cb/../cb',
  'https://client.example/cb%2F',
  'https://client.example/cb%00',
  'https://client.example/cb\r\nX-Injected: 1',
  'https://client.example.evil.example/cb',
  'https://client.example@evil.example/cb',
  'https://evil.example/cb',
  '//evil.example/cb',
  '/cb',
  'http://client.example/cb',
  'javascript:alert(1)//https://client.example/cb',
  'com.example.app:/oauth/../evil',
  'http://localhost:8080/cb',
  'https://例え.example/café',
];

const cases = new CaseCount();
afterAll(() => cases.print('authorize'));

describe.each(ADAPTERS)('authorization endpoint under hostile input (%s)', (adapter) => {
  let e2e: E2eApp;
  let clients: RegisteredClient[];
  let canary: RegisteredClient;

  beforeAll(async () => {
    e2e = await startE2eApp(adapter, {
      scopes: ['profile', 'email', 'admin'],
      implicitGrant: true,
    });
    clients = [
      await e2e.clients.create({ clientType: 'web', redirectUrls: WEB_CALLBACKS }),
      await e2e.clients.create({ clientType: 'user-agent', redirectUrls: [SPA_CALLBACK] }),
      await e2e.clients.create({ clientType: 'native', redirectUrls: NATIVE_CALLBACKS }),
      await e2e.clients.create({ clientType: 'web', redirectUrls: [IDN_CALLBACK] }),
    ];
    canary = await e2e.clients.create({ clientType: 'web', redirectUrls: [WEB_CALLBACKS[0]] });
  });
  afterAll(() => e2e.close());
  afterEach(() => expectAlive(e2e.server, canary));

  /** Good requests of every client, and each client paired with every redirect URI. */
  function bases(): fc.Arbitrary<Record<string, string>> {
    const { challenge } = pkcePair();
    return fc
      .record({
        client: fc.constantFrom(...clients),
        redirectUri: fc.option(fc.constantFrom(...REDIRECT_URIS), { nil: undefined }),
        ownRedirectUri: fc.boolean(),
        responseType: fc.constantFrom('code', 'token', 'code token', 'none', 'CODE'),
        scope: fc.option(fc.constantFrom('profile', 'profile email', 'admin', 'openid', 'x'), {
          nil: undefined,
        }),
        state: fc.option(fc.constantFrom('xyz', 'a b&c=d#e', '\u00e9\u4f8b', ''), {
          nil: undefined,
        }),
        pkce: fc.constantFrom('S256', 'plain', 'none', 's256'),
      })
      .map(({ client, redirectUri, ownRedirectUri, responseType, scope, state, pkce }) => {
        const base: Record<string, string> = { response_type: responseType, client_id: client.id };
        const uri = ownRedirectUri ? client.redirectUrls[0] : redirectUri;
        if (uri !== undefined) base.redirect_uri = uri;
        if (scope !== undefined) base.scope = scope;
        if (state !== undefined) base.state = state;
        if (pkce !== 'none') {
          base.code_challenge = challenge;
          base.code_challenge_method = pkce;
        }
        return base;
      });
  }

  const accept = fc.constantFrom(
    undefined,
    'text/html',
    'application/json',
    '*/*',
    'application/json, text/html',
    'application/json;q=0.9',
  );

  /** The clients a request names: a redirect may only go to one of theirs. */
  function named(raw: string): RegisteredClient[] {
    return clients.filter((client) => raw.includes(client.id));
  }

  /**
   * A broken request is answered by a page (or JSON) and never redirected; any other goes back
   * to a URI that the client named in the request registered, or to the consent page.
   */
  function expectSafeAnswer(response: RawResponse, raw: string): void {
    expect(response.status).toBeLessThan(500);
    expect([302, 400]).toContain(response.status);
    expect(headerOf(response, 'Cache-Control')).toBe('no-store');
    if (response.status === 302) {
      const location = headerOf(response, 'Location') ?? '';
      if (location.startsWith(CONSENT)) {
        expect(named(raw).length).toBeGreaterThan(0);
        return;
      }
      const registered = named(raw).flatMap((client) => client.redirectUrls);
      if (!registered.some((uri) => redirectsTo(location, uri)))
        throw new Error(`redirected to ${location}, which is not registered`);
      // The error is in the query (code) or the fragment (implicit), past the URI's own query.
      const url = new URL(location);
      const fragment = new URLSearchParams(url.hash.slice(1));
      const parameters = fragment.has('error') ? fragment : url.searchParams;
      expect(AUTHORIZATION_ERRORS).toContain(parameters.get('error'));
      expect(parameters.get('error_description')).toMatch(ERROR_DESCRIPTION);
      return;
    }
    expect(headerOf(response, 'Location')).toBeUndefined();
    if (mediaTypeOf(response) === 'application/json') {
      const body = response.body as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
      expect(AUTHORIZATION_ERRORS).toContain(body.error);
      expect(body.error_description).toMatch(ERROR_DESCRIPTION);
      return;
    }
    expect({
      mediaType: mediaTypeOf(response),
      frameOptions: headerOf(response, 'X-Frame-Options'),
    }).toEqual({ mediaType: 'text/html', frameOptions: 'DENY' });
    const [, description] = /<p>([^<]*)<\/p>/.exec(response.text) ?? [];
    const [, error] = /<code>([^<]*)<\/code>/.exec(response.text) ?? [];
    expect(unescapeHtml(description ?? '')).toMatch(ERROR_DESCRIPTION);
    expect(AUTHORIZATION_ERRORS).toContain(error);
  }

  /** Follows a consent redirect as the user, who allows or declines: back to a registered URI. */
  async function expectConsentAnswer(
    response: RawResponse,
    raw: string,
    decision: 'allow' | 'deny',
  ): Promise<void> {
    const location = headerOf(response, 'Location') ?? '';
    if (response.status !== 302 || !location.startsWith(CONSENT)) return;
    const answer = await exchange(e2e.server, 'GET', `${location}&user=alice&decision=${decision}`);
    expect(answer.status).toBe(302);
    const back = headerOf(answer, 'Location') ?? '';
    const registered = named(raw).flatMap((client) => client.redirectUrls);
    if (!registered.some((uri) => redirectsTo(back, uri)))
      throw new Error(`the consent answer went to ${back}, which is not registered`);
  }

  it('answers a hostile query (GET) with a page or a redirect to a registered URI', async () => {
    const property = `GET query (${adapter})`;
    await fc.assert(
      fc.asyncProperty(
        hostileParameters(bases(), 3000),
        accept,
        fc.constantFrom('allow' as const, 'deny' as const),
        async (pairs: Pair[], acceptHeader, decision) => {
          const raw = formOf(pairs);
          const response = await exchange(e2e.server, 'GET', `/oauth/authorize?${raw}`, {
            Accept: acceptHeader,
          });
          cases.count(property, response.status);
          expectSafeAnswer(response, raw);
          await expectConsentAnswer(response, raw, decision);
        },
      ),
      { numRuns: runs(200), seed: SEED },
    );
  });

  it('answers a hostile form body (POST) with a page or a redirect to a registered URI', async () => {
    const property = `POST form (${adapter})`;
    await fc.assert(
      fc.asyncProperty(
        hostileParameters(bases(), 20_000).map(formOf),
        fc.oneof(
          { weight: 4, arbitrary: fc.constant('application/x-www-form-urlencoded') },
          { weight: 1, arbitrary: contentType },
        ),
        accept,
        fc.constantFrom('allow' as const, 'deny' as const),
        async (raw, type, acceptHeader, decision) => {
          const response = await exchange(
            e2e.server,
            'POST',
            '/oauth/authorize',
            { 'Content-Type': type, Accept: acceptHeader },
            raw,
          );
          cases.count(property, response.status);
          expectSafeAnswer(response, raw);
          await expectConsentAnswer(response, raw, decision);
        },
      ),
      { numRuns: runs(200), seed: SEED },
    );
  });

  it('answers odd content types, JSON and broken bodies (POST) with a page, never 5xx', async () => {
    const property = `POST content types and bodies (${adapter})`;
    await fc.assert(
      fc.asyncProperty(
        contentType,
        hostileBody(hostileParameters(bases(), 2000).map(formOf)),
        accept,
        async (type, body, acceptHeader) => {
          const response = await exchange(
            e2e.server,
            'POST',
            '/oauth/authorize',
            { 'Content-Type': type, Accept: acceptHeader },
            body,
          );
          cases.count(property, response.status);
          expectSafeAnswer(response, typeof body === 'string' ? body : body.toString('latin1'));
        },
      ),
      { numRuns: runs(150), seed: SEED },
    );
  });

  describe('regressions', () => {
    // Before, the redirect to such a URI answered 500 on Express (Node refuses the Location
    // header) and never answered on Fastify; a Latin-1 one went out as a raw, invalid byte.
    it.each(['https://\u4f8b\u3048.example/cb', 'https://client.example/caf\u00e9'])(
      'refuses to register %s, which a Location header cannot carry',
      async (uri) => {
        await expect(
          e2e.clients.create({ clientType: 'web', redirectUrls: [uri] }),
        ).rejects.toMatchObject({ error: 'invalid_redirect_uri' });
      },
    );

    it('redirects to the ASCII form of such a URI, exactly as registered', async () => {
      const idn = clients[3];
      const response = await exchange(
        e2e.server,
        'GET',
        `/oauth/authorize?client_id=${idn.id}&response_type=code&scope=nope`,
      );
      expect(response.status).toBe(302);
      expect(headerOf(response, 'Location')).toBe(
        `${IDN_CALLBACK}&error=invalid_scope&error_description=unknown+scope%3A+nope`,
      );
    });
  });
});
