import { ResourceIndicators } from '../../lib/resources/resource-indicators';
import { s256 } from '../../lib/crypto/pkce';
import {
  AuthorizationCheckContext,
  AuthorizationRequestCheck,
  AuthorizationResponseType,
  checkAuthorizationRequest,
} from '../../lib/grants/authorization-check';
import type { OAuthClient } from '../../lib/interfaces';
import { OAuthParameters, RequestParameters } from '../../lib/protocol/request-parameters';

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

const NATIVE: OAuthClient = {
  id: 'native-client',
  clientType: 'native',
  isConfidential: false,
  redirectUrls: ['com.example.app:/cb'],
  attributes: {},
  scopes: null,
  resourceServer: false,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  origin: 'operator',
};

const MULTI: OAuthClient = {
  id: 'multi-client',
  clientType: 'web',
  isConfidential: true,
  redirectUrls: ['https://multi.example/a', 'https://multi.example/b'],
  attributes: {},
  scopes: null,
  resourceServer: false,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  origin: 'operator',
};

const CLIENTS: readonly OAuthClient[] = [WEB, NATIVE, MULTI];

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = s256(VERIFIER);

type Options = AuthorizationCheckContext['options'];

const DEFAULTS: Options = {
  scopes: null,
  implicitGrant: false,
  allowPlainPkce: false,
  resources: null,
};

function context(options: Partial<Options> = {}): AuthorizationCheckContext & {
  asked: string[];
} {
  const asked: string[] = [];
  return {
    asked,
    options: { ...DEFAULTS, ...options },
    findClient: (clientId) => {
      asked.push(clientId);
      return Promise.resolve(CLIENTS.find((client) => client.id === clientId) ?? null);
    },
  };
}

function check(
  parameters: OAuthParameters | RequestParameters,
  options: Partial<Options> = {},
  responseType: AuthorizationResponseType = 'code',
): Promise<AuthorizationRequestCheck> {
  const given =
    parameters instanceof RequestParameters ? parameters : RequestParameters.of(parameters);
  return checkAuthorizationRequest(given, responseType, context(options));
}

/** A request of the web client that passes every check. */
const GOOD = { response_type: 'code', client_id: WEB.id, state: 'st' } as const;

function fromQuery(query: Record<string, string | string[]>): RequestParameters {
  return RequestParameters.fromRequest({ method: 'GET', query });
}

describe('checkAuthorizationRequest: broken requests, never redirected (RFC 6749 §4.1.2.1)', () => {
  it('is broken without a client_id, and looks no client up', async () => {
    const ctx = context();
    const result = await checkAuthorizationRequest(
      RequestParameters.of({ response_type: 'code', state: 'st' }),
      'code',
      ctx,
    );
    expect(result).toMatchObject({ kind: 'broken', client: null, state: 'st' });
    expect(result.kind === 'broken' && result.error.error).toBe('invalid_request');
    expect(ctx.asked).toEqual([]);
  });

  it('is broken, invalid_client, when client_id names no registered client', async () => {
    const result = await check({ ...GOOD, client_id: 'nobody' });
    expect(result.kind).toBe('broken');
    expect(result.kind === 'broken' && result.error.error).toBe('invalid_client');
    expect(result.kind === 'broken' && result.client).toBeNull();
  });

  it('is broken when client_id or redirect_uri is repeated (RFC 6749 §3.1)', async () => {
    for (const query of [
      { response_type: 'code', client_id: [WEB.id, WEB.id] } as Record<string, string | string[]>,
      { response_type: 'code', client_id: WEB.id, redirect_uri: [WEB.redirectUrls[0], 'x'] },
    ]) {
      const result = await check(fromQuery(query));
      expect(result.kind).toBe('broken');
      expect(result.kind === 'broken' && result.error.description).toMatch(/repeated or malformed/);
    }
  });

  it('is broken, naming the client, when redirect_uri is not registered (RFC 6749 §3.1.2.4)', async () => {
    const result = await check({ ...GOOD, redirect_uri: 'https://evil.example/cb' });
    expect(result).toMatchObject({ kind: 'broken', client: WEB, state: 'st' });
  });

  it('compares redirect_uri exactly, not as URLs (RFC 6749 §3.1.2.4)', async () => {
    for (const uri of [
      'https://web.example/cb/',
      'HTTPS://web.example/cb',
      'https://web.example/cb?',
    ]) {
      expect((await check({ ...GOOD, redirect_uri: uri })).kind).toBe('broken');
    }
  });

  it('is broken without redirect_uri when the client registered several (RFC 6749 §3.1.2.3)', async () => {
    const result = await check({ ...GOOD, client_id: MULTI.id });
    expect(result).toMatchObject({ kind: 'broken', client: MULTI });
    expect(result.kind === 'broken' && result.error.description).toContain('section 3.1.2.3');
  });

  it('keeps state only when it is within its length limit', async () => {
    const long = 'x'.repeat(1025);
    expect(await check({ response_type: 'code', state: long })).toMatchObject({
      kind: 'broken',
      state: undefined,
    });
    expect(await check({ response_type: 'code', state: 'x'.repeat(1024) })).toMatchObject({
      kind: 'broken',
      state: 'x'.repeat(1024),
    });
  });
});

describe('checkAuthorizationRequest: invalid requests, redirected to the client (RFC 6749 §4.1.2.1)', () => {
  async function invalid(
    parameters: OAuthParameters | RequestParameters,
    options: Partial<Options> = {},
    responseType: AuthorizationResponseType = 'code',
  ): Promise<{ code: string; description: string; redirectUri: string; state?: string }> {
    const result = await check(parameters, options, responseType);
    if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${result.kind}`);
    return {
      code: result.error.error,
      description: result.error.description,
      redirectUri: result.redirectUri,
      state: result.state,
    };
  }

  it('is invalid without response_type, redirecting to the registered URI with state', async () => {
    expect(await invalid({ client_id: WEB.id, state: 'st' })).toMatchObject({
      code: 'invalid_request',
      redirectUri: WEB.redirectUrls[0],
      state: 'st',
    });
  });

  it('is invalid for a response_type other than the one checked', async () => {
    expect(await invalid({ ...GOOD, response_type: 'token' })).toMatchObject({
      code: 'unsupported_response_type',
    });
    expect(await invalid({ ...GOOD, response_type: 'code id_token' })).toMatchObject({
      code: 'unsupported_response_type',
    });
  });

  it('is invalid when another authorization parameter is repeated (RFC 6749 §3.1)', async () => {
    const result = await invalid(fromQuery({ ...GOOD, scope: ['a', 'b'] }));
    expect(result).toMatchObject({ code: 'invalid_request', state: 'st' });
    expect(result.description).toContain('scope');
  });

  it('takes resource repeated (RFC 8707 §2), each once, in the order sent', async () => {
    const result = await check(
      fromQuery({
        ...GOOD,
        resource: ['https://b.example', 'https://a.example', 'https://b.example'],
      }),
      {
        resources: ResourceIndicators.resolve(
          ['https://a.example', 'https://b.example'],
          undefined,
        ),
      },
    );
    expect(result).toMatchObject({
      kind: 'valid',
      resources: ['https://b.example', 'https://a.example'],
    });
  });

  it('gives the defaultResources to a request that names none', async () => {
    const result = await check(GOOD, {
      resources: ResourceIndicators.resolve(
        ['https://a.example', 'https://b.example'],
        ['https://a.example'],
      ),
    });
    expect(result).toMatchObject({ kind: 'valid', resources: ['https://a.example'] });
  });

  it('is invalid_target for a resource the server does not serve (RFC 8707 §2)', async () => {
    const result = await invalid(fromQuery({ ...GOOD, resource: 'https://evil.example' }), {
      resources: ResourceIndicators.resolve(['https://a.example'], undefined),
    });
    expect(result).toMatchObject({ code: 'invalid_target', state: 'st' });
    expect(result.description).toBe(
      'resource https://evil.example is not served by this authorization server (RFC 8707 section 2)',
    );
  });

  it('is invalid_target for any resource when the server serves none (RFC 8707 §2)', async () => {
    const result = await invalid(fromQuery({ ...GOOD, resource: 'https://a.example' }));
    expect(result).toMatchObject({ code: 'invalid_target', state: 'st' });
  });

  it('is invalid_request for a resource that is not a string', async () => {
    const result = await invalid(fromQuery({ ...GOOD, resource: { a: 'b' } as unknown as string }));
    expect(result).toMatchObject({ code: 'invalid_request', state: 'st' });
    expect(result.description).toBe('resource is malformed (RFC 8707 section 2)');
  });

  it('is invalid for a state over 1024 characters, which it does not return', async () => {
    expect(await invalid({ ...GOOD, state: 'x'.repeat(1025) })).toMatchObject({
      code: 'invalid_request',
      state: undefined,
    });
  });

  it('is invalid_scope for a malformed scope or one outside the configured list (RFC 6749 §3.3)', async () => {
    expect(await invalid({ ...GOOD, scope: 'read  write' })).toMatchObject({
      code: 'invalid_scope',
    });
    expect(
      await invalid({ ...GOOD, scope: 'read admin' }, { scopes: new Set(['read']) }),
    ).toMatchObject({ code: 'invalid_scope', description: 'unknown scope: admin' });
    expect(await invalid({ ...GOOD, scope: 'a'.repeat(2049) })).toMatchObject({
      code: 'invalid_scope',
    });
  });

  it('is unsupported_response_type for a token request while the implicit grant is off (RFC 9700 §2.1.2)', async () => {
    const request = { response_type: 'token', client_id: NATIVE.id, state: 'st' };
    expect(await invalid(request, { implicitGrant: false }, 'token')).toMatchObject({
      code: 'unsupported_response_type',
      redirectUri: NATIVE.redirectUrls[0],
      state: 'st',
    });
    expect((await check(request, { implicitGrant: true }, 'token')).kind).toBe('valid');
  });
});

describe('checkAuthorizationRequest: PKCE (RFC 7636)', () => {
  const NATIVE_CODE = { response_type: 'code', client_id: NATIVE.id } as const;

  it('requires a code_challenge from a public client (RFC 9700 §2.1.1)', async () => {
    const result = await check(NATIVE_CODE);
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.error.error).toBe('invalid_request');
    expect(result.kind === 'invalid' && result.error.description).toContain('code_challenge');
  });

  it('lets a confidential client go without PKCE', async () => {
    expect(await check(GOOD)).toMatchObject({
      kind: 'valid',
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
    });
  });

  it('accepts an S256 challenge (RFC 7636 §4.2)', async () => {
    expect(
      await check({ ...NATIVE_CODE, code_challenge: CHALLENGE, code_challenge_method: 'S256' }),
    ).toMatchObject({ kind: 'valid', codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' });
  });

  it('refuses an S256 challenge that is not 43 base64url characters (RFC 7636 §4.2)', async () => {
    for (const challenge of [CHALLENGE.slice(1), CHALLENGE + 'A', CHALLENGE.slice(1) + '=']) {
      const result = await check({
        ...NATIVE_CODE,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      expect([challenge, result.kind]).toEqual([challenge, 'invalid']);
    }
  });

  it('takes a challenge without a method for plain, refused unless allowed (RFC 7636 §4.3)', async () => {
    const request = { ...NATIVE_CODE, code_challenge: VERIFIER };
    const refused = await check(request);
    expect(refused.kind).toBe('invalid');
    expect(refused.kind === 'invalid' && refused.error.description).toContain('plain');
    expect(await check(request, { allowPlainPkce: true })).toMatchObject({
      kind: 'valid',
      codeChallenge: VERIFIER,
      codeChallengeMethod: 'plain',
    });
  });

  it('refuses an explicit plain method unless plain PKCE is allowed', async () => {
    const request = { ...NATIVE_CODE, code_challenge: VERIFIER, code_challenge_method: 'plain' };
    expect((await check(request)).kind).toBe('invalid');
    expect((await check(request, { allowPlainPkce: true })).kind).toBe('valid');
  });

  it('holds a plain challenge to the code_verifier grammar (RFC 7636 §4.1)', async () => {
    for (const challenge of ['a'.repeat(42), 'a'.repeat(129), 'a'.repeat(42) + '+']) {
      const result = await check(
        { ...NATIVE_CODE, code_challenge: challenge, code_challenge_method: 'plain' },
        { allowPlainPkce: true },
      );
      expect([challenge.length, result.kind]).toEqual([challenge.length, 'invalid']);
    }
  });

  it('refuses an unknown method, even with plain allowed', async () => {
    const result = await check(
      { ...NATIVE_CODE, code_challenge: CHALLENGE, code_challenge_method: 's256' },
      { allowPlainPkce: true },
    );
    expect(result.kind).toBe('invalid');
  });

  it('refuses code_challenge_method without code_challenge', async () => {
    const result = await check({ ...GOOD, code_challenge_method: 'S256' });
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.error.error).toBe('invalid_request');
  });

  it('asks no PKCE of an implicit request (RFC 6749 §4.2)', async () => {
    expect(
      await check(
        { response_type: 'token', client_id: NATIVE.id, code_challenge: 'ignored' },
        { implicitGrant: true },
        'token',
      ),
    ).toMatchObject({ kind: 'valid', codeChallenge: undefined, codeChallengeMethod: undefined });
  });
});

describe('checkAuthorizationRequest: valid requests', () => {
  it('uses the only registered redirect URI when none is given (RFC 6749 §3.1.2.3)', async () => {
    expect(await check(GOOD)).toEqual({
      kind: 'valid',
      responseType: 'code',
      client: WEB,
      redirectUri: WEB.redirectUrls[0],
      redirectUriGiven: false,
      scopes: [],
      resources: [],
      state: 'st',
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
      prompt: [],
    });
  });

  it('records that redirect_uri was given, for the code exchange to require it (RFC 6749 §4.1.3)', async () => {
    expect(
      await check({ ...GOOD, client_id: MULTI.id, redirect_uri: 'https://multi.example/b' }),
    ).toMatchObject({
      kind: 'valid',
      redirectUri: 'https://multi.example/b',
      redirectUriGiven: true,
    });
  });

  it('gives the scopes asked for, each once, in order', async () => {
    expect(
      await check({ ...GOOD, scope: 'write read write' }, { scopes: new Set(['read', 'write']) }),
    ).toMatchObject({ kind: 'valid', scopes: ['write', 'read'] });
  });

  it('looks the client up once, by the client_id sent', async () => {
    const ctx = context();
    await checkAuthorizationRequest(RequestParameters.of(GOOD), 'code', ctx);
    expect(ctx.asked).toEqual([WEB.id]);
  });

  it('gives results that cannot be changed', async () => {
    const valid = await check({ ...GOOD, scope: 'read' });
    expect(Object.isFrozen(valid)).toBe(true);
    expect(valid.kind === 'valid' && Object.isFrozen(valid.scopes)).toBe(true);
    expect(Object.isFrozen(await check({ ...GOOD, client_id: 'nobody' }))).toBe(true);
    expect(Object.isFrozen(await check({ client_id: WEB.id }))).toBe(true);
  });
});
