import { AccessTokenRequest, CodeRequest } from '../../lib';
import type { AuthorizationPrompt, OAuthClient } from '../../lib';
import {
  AuthorizationCheckContext,
  AuthorizationRequestCheck,
  AuthorizationResponseType,
  checkAuthorizationRequest,
} from '../../lib/grants/authorization-check';
import type { AuthorizationContext } from '../../lib/grants/authorization-context';
import { resolveOptions } from '../../lib/options/resolve-options';
import { OAuthParameters, RequestParameters } from '../../lib/protocol/request-parameters';

// The `prompt` parameter (OpenID Connect Core 1.0 §3.1.2.1), as the pure check parses it, without
// any Redis. What answerWithoutPage() makes of it (§3.1.2.6) is tested against Redis, in
// test/e2e/remembered-consent.e2e-spec.ts.

const WEB: OAuthClient = {
  id: 'web-client',
  clientType: 'web',
  isConfidential: true,
  redirectUrls: ['https://web.example/cb'],
  attributes: {},
  scopes: null,
  resourceServer: false,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  origin: 'operator',
};

const SPA: OAuthClient = {
  ...WEB,
  id: 'spa-client',
  clientType: 'user-agent',
  isConfidential: false,
  redirectUrls: ['https://spa.example/cb'],
};

/** A client that registered itself: its redirect URIs vouch for nothing (RFC 9700 §4.11.2). */
const SELF_REGISTERED: OAuthClient = { ...WEB, id: 'self-registered', origin: 'dynamic' };

const CLIENTS: readonly OAuthClient[] = [WEB, SPA, SELF_REGISTERED];
const ISSUER = 'https://as.example';
const REDIS = 'redis://127.0.0.1:6379';

const checkContext: AuthorizationCheckContext = {
  options: { scopes: null, implicitGrant: true, allowPlainPkce: false, resources: null },
  findClient: (clientId) => Promise.resolve(CLIENTS.find((c) => c.id === clientId) ?? null),
};

function check(
  parameters: OAuthParameters | RequestParameters,
  responseType: AuthorizationResponseType = 'code',
): Promise<AuthorizationRequestCheck> {
  const given =
    parameters instanceof RequestParameters ? parameters : RequestParameters.of(parameters);
  return checkAuthorizationRequest(given, responseType, checkContext);
}

function fromQuery(query: Record<string, unknown>): RequestParameters {
  return RequestParameters.fromRequest({ method: 'GET', query });
}

/** A code request of the web client that passes every check, but for its prompt. */
const GOOD = { response_type: 'code', client_id: WEB.id, state: 'st' } as const;

async function promptOf(prompt: string): Promise<readonly AuthorizationPrompt[]> {
  const result = await check({ ...GOOD, prompt });
  if (result.kind !== 'valid') throw new Error(`expected valid, got ${result.kind}`);
  return result.prompt;
}

async function invalidPrompt(
  parameters: OAuthParameters | RequestParameters,
  responseType: AuthorizationResponseType = 'code',
): Promise<AuthorizationRequestCheck & { kind: 'invalid' }> {
  const result = await check(parameters, responseType);
  if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${result.kind}`);
  return result;
}

/** The parts of a redirect, as a client reads them. */
function partsOf(location: string): {
  base: string;
  query: Record<string, string>;
  fragment: Record<string, string>;
} {
  const url = new URL(location);
  const base = `${url.origin}${url.pathname}`;
  return {
    base,
    query: Object.fromEntries(url.searchParams),
    fragment: Object.fromEntries(new URLSearchParams(url.hash.slice(1))),
  };
}

/** Only the options matter to an error redirect; nothing else of the context is touched. */
function redirectContext(issuer?: string): AuthorizationContext {
  return { options: resolveOptions({ redis: REDIS, issuer }) } as unknown as AuthorizationContext;
}

const NONE_WITH_OTHER =
  'prompt=none cannot be combined with other values (OpenID Connect Core 1.0 section 3.1.2.1)';

describe('prompt parsing (OpenID Connect Core 1.0 §3.1.2.1)', () => {
  it('is empty when no prompt is sent, or an empty one', async () => {
    const result = await check(GOOD);
    expect(result).toMatchObject({ kind: 'valid', prompt: [] });
    expect(await promptOf('')).toEqual([]);
    expect(await promptOf('   ')).toEqual([]);
  });

  it.each<[string, AuthorizationPrompt[]]>([
    ['none', ['none']],
    ['login', ['login']],
    ['consent', ['consent']],
    ['select_account', ['select_account']],
    ['create', ['create']],
  ])('knows prompt=%s', async (prompt, expected) => {
    expect(await promptOf(prompt)).toEqual(expected);
  });

  it('splits a space-delimited list, keeping the order sent', async () => {
    expect(await promptOf('login consent')).toEqual(['login', 'consent']);
    expect(await promptOf('select_account login consent')).toEqual([
      'select_account',
      'login',
      'consent',
    ]);
  });

  it('takes extra spaces between values as one delimiter', async () => {
    expect(await promptOf(' login  consent ')).toEqual(['login', 'consent']);
  });

  it('gives each value once, as ValidAuthorizationRequest.prompt documents', async () => {
    expect(await promptOf('consent login consent')).toEqual(['consent', 'login']);
    expect(await promptOf('none none')).toEqual(['none']);
  });

  it('ignores an unknown value, and the request stays valid (RFC 6749 §3.1)', async () => {
    expect(await promptOf('unheard_of')).toEqual([]);
    expect(await promptOf('consent unheard_of login')).toEqual(['consent', 'login']);
  });

  it('compares values exactly: NONE and Consent are unknown, hence ignored', async () => {
    expect(await promptOf('NONE')).toEqual([]);
    expect(await promptOf('Consent login')).toEqual(['login']);
  });

  it('gives a prompt that cannot be changed', async () => {
    const result = await check({ ...GOOD, prompt: 'login consent' });
    expect(result.kind === 'valid' && Object.isFrozen(result.prompt)).toBe(true);
  });

  it('parses the prompt of an implicit request too (RFC 6749 §4.2.1)', async () => {
    const result = await check(
      { response_type: 'token', client_id: SPA.id, prompt: 'consent' },
      'token',
    );
    expect(result).toMatchObject({ kind: 'valid', responseType: 'token', prompt: ['consent'] });
  });
});

describe('prompt errors: invalid_request, redirected to the client (RFC 6749 §4.1.2.1)', () => {
  it.each(['none login', 'none consent', 'consent none', 'none select_account', 'none create'])(
    'refuses prompt=%s: none with any other value (OpenID Connect Core 1.0 §3.1.2.1)',
    async (prompt) => {
      const result = await invalidPrompt({ ...GOOD, prompt });
      expect(result.error.error).toBe('invalid_request');
      expect(result.error.description).toBe(NONE_WITH_OTHER);
      expect(result.redirectUri).toBe(WEB.redirectUrls[0]);
      expect(result.state).toBe('st');
      expect(result.client).toBe(WEB);
    },
  );

  it('refuses none beside an unknown value too: "any other value" (OpenID Connect Core 1.0 §3.1.2.1)', async () => {
    const result = await invalidPrompt({ ...GOOD, prompt: 'none unheard_of' });
    expect(result.error).toMatchObject({ error: 'invalid_request', description: NONE_WITH_OTHER });
  });

  it('refuses a repeated prompt parameter (RFC 6749 §3.1)', async () => {
    const result = await invalidPrompt(fromQuery({ ...GOOD, prompt: ['none', 'none'] }));
    expect(result.error).toMatchObject({
      error: 'invalid_request',
      description: 'prompt is repeated or malformed (RFC 6749 section 3.1)',
    });
    expect(result.state).toBe('st');
  });

  it('refuses a repeated prompt even when each value alone is good (RFC 6749 §3.1)', async () => {
    const result = await invalidPrompt(fromQuery({ ...GOOD, prompt: ['login', 'consent'] }));
    expect(result.error.error).toBe('invalid_request');
    expect(result.error.description).toContain('prompt');
  });

  it('refuses a prompt that is not a string (RFC 6749 §3.1)', async () => {
    const result = await invalidPrompt(fromQuery({ ...GOOD, prompt: { none: '1' } }));
    expect(result.error).toMatchObject({
      error: 'invalid_request',
      description: 'prompt is repeated or malformed (RFC 6749 section 3.1)',
    });
  });

  it('redirects the error in the query with error, error_description, state and iss (RFC 6749 §4.1.2.1, RFC 9207 §2)', async () => {
    const result = await invalidPrompt({ ...GOOD, prompt: 'none login' });
    const location = new CodeRequest(redirectContext(ISSUER), result).getRedirect();
    expect(partsOf(location)).toEqual({
      base: WEB.redirectUrls[0],
      query: {
        error: 'invalid_request',
        error_description: NONE_WITH_OTHER,
        state: 'st',
        iss: ISSUER,
      },
      fragment: {},
    });
  });

  it('leaves iss out of the error redirect when no issuer is set', async () => {
    const result = await invalidPrompt({ ...GOOD, prompt: 'consent none' });
    const location = new CodeRequest(redirectContext(), result).getRedirect();
    expect(partsOf(location).query).toEqual({
      error: 'invalid_request',
      error_description: NONE_WITH_OTHER,
      state: 'st',
    });
  });

  it('redirects the error of an implicit request in the fragment (RFC 6749 §4.2.2.1)', async () => {
    const result = await invalidPrompt(
      { response_type: 'token', client_id: SPA.id, state: 'st', prompt: 'none login' },
      'token',
    );
    const location = await new AccessTokenRequest(redirectContext(ISSUER), result).getRedirect();
    expect(partsOf(location)).toEqual({
      base: SPA.redirectUrls[0],
      query: {},
      fragment: {
        error: 'invalid_request',
        error_description: NONE_WITH_OTHER,
        state: 'st',
        iss: ISSUER,
      },
    });
  });

  it("shows a self-registered client's prompt error instead of redirecting it (RFC 9700 §4.11.2)", async () => {
    const result = await check({ ...GOOD, client_id: SELF_REGISTERED.id, prompt: 'none login' });
    expect(result).toMatchObject({ kind: 'broken', client: SELF_REGISTERED, state: 'st' });
    expect(result.kind === 'broken' && result.error.description).toBe(NONE_WITH_OTHER);
  });

  it('reports the client or redirect_uri first: a bad prompt does not make a broken request redirectable', async () => {
    const result = await check({
      ...GOOD,
      redirect_uri: 'https://evil.example/cb',
      prompt: 'none login',
    });
    expect(result.kind).toBe('broken');
    expect(result.kind === 'broken' && result.error.description).toContain('redirect_uri');
  });
});
