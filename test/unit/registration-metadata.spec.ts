import { OAuthError, OAuthistConfigurationError, OAuthistModuleOptions } from '../../lib';
import { resolveOptions } from '../../lib/options/resolve-options';
import {
  RegistrationMetadata,
  RegistrationRules,
} from '../../lib/registration/registration-metadata';
import { resolveDynamicRegistration } from '../../lib/options/dynamic-registration-policy';

const CALLBACK = 'https://client.example/cb';

function rules(overrides: Partial<RegistrationRules> = {}): RegistrationRules {
  const policy = resolveDynamicRegistration({}, null);
  if (policy === null) throw new Error('registration is off');
  return {
    policy,
    scopes: new Set(['profile', 'email']),
    implicitGrant: false,
    refreshTokens: true,
    ...overrides,
  };
}

function refusal(body: unknown, given = rules()): OAuthError {
  try {
    RegistrationMetadata.read(body, given);
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('the metadata was accepted');
}

describe('RegistrationMetadata (RFC 7591 §2)', () => {
  it('defaults to a confidential client of the code grant (RFC 7591 §2)', () => {
    const metadata = RegistrationMetadata.read({ redirect_uris: [CALLBACK] }, rules());
    expect(metadata.toCreateClientInput()).toEqual({
      clientType: 'web',
      redirectUrls: [CALLBACK],
      attributes: {
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: 'authorization_code',
        response_types: 'code',
      },
    });
  });

  it('keeps the human-readable metadata as attributes, client_name as name, and ignores unknown members', () => {
    const metadata = RegistrationMetadata.read(
      {
        redirect_uris: [CALLBACK, CALLBACK],
        client_name: 'App',
        client_uri: 'https://client.example/',
        logo_uri: 'https://client.example/logo.png',
        tos_uri: 'https://client.example/tos',
        policy_uri: 'https://client.example/policy',
        contacts: ['a@client.example'],
        software_id: 'app',
        software_version: '1.2',
        jwks_uri: 'https://client.example/jwks',
        logo_uri_extra: 42,
      },
      rules(),
    );
    expect(metadata.redirectUris).toEqual([CALLBACK]);
    expect(metadata.attributes).toMatchObject({
      name: 'App',
      client_uri: 'https://client.example/',
      logo_uri: 'https://client.example/logo.png',
      tos_uri: 'https://client.example/tos',
      policy_uri: 'https://client.example/policy',
      contacts: 'a@client.example',
      software_id: 'app',
      software_version: '1.2',
    });
    expect(metadata.attributes).not.toHaveProperty('jwks_uri');
  });

  it('reads a native public client, which may register a custom scheme (RFC 8252 §7.1)', () => {
    const metadata = RegistrationMetadata.read(
      {
        redirect_uris: ['com.example.app:/cb'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      },
      rules(),
    );
    expect(metadata.clientType).toBe('native');
  });

  it('fills grant_types in from response_types and back (RFC 7591 §2.1)', () => {
    const withRefresh = RegistrationMetadata.read(
      { redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'] },
      rules(),
    );
    expect(withRefresh.responseTypes).toEqual(['code']);
    const fromResponse = RegistrationMetadata.read(
      { redirect_uris: [CALLBACK], response_types: ['code'] },
      rules(),
    );
    expect(fromResponse.grantTypes).toEqual(['authorization_code']);
  });

  it('takes JSON null as omitted', () => {
    expect(
      RegistrationMetadata.read(
        { redirect_uris: [CALLBACK], client_name: null, scope: null },
        rules(),
      ).attributes,
    ).not.toHaveProperty('name');
  });

  it("registers the policy's scopes when none are asked for (RFC 7591 §2)", () => {
    const policy = resolveDynamicRegistration(
      { scopes: ['profile'] },
      new Set(['profile', 'email']),
    );
    if (policy === null) throw new Error('registration is off');
    expect(
      RegistrationMetadata.read({ redirect_uris: [CALLBACK] }, rules({ policy })).scopes,
    ).toEqual(['profile']);
    expect(refusal({ redirect_uris: [CALLBACK], scope: 'email' }, rules({ policy })).error).toBe(
      'invalid_client_metadata',
    );
  });

  it.each([
    ['a string body', 'x', 'invalid_client_metadata', /must be a JSON object/],
    ['a null body', null, 'invalid_client_metadata', /must be a JSON object/],
    ['missing redirect_uris', {}, 'invalid_redirect_uri', /redirect_uris is required/],
    [
      'empty redirect_uris',
      { redirect_uris: [] },
      'invalid_redirect_uri',
      /redirect_uris is required/,
    ],
    [
      'redirect_uris not an array',
      { redirect_uris: CALLBACK },
      'invalid_redirect_uri',
      /must be an array/,
    ],
    [
      'a custom scheme for a web client',
      { redirect_uris: ['app.example:/cb'] },
      'invalid_redirect_uri',
      /custom URI scheme/,
    ],
    [
      'a bad auth method',
      { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'tls_client_auth' },
      'invalid_client_metadata',
      /token_endpoint_auth_method/,
    ],
    [
      'a bad application_type',
      { redirect_uris: [CALLBACK], application_type: 7 },
      'invalid_client_metadata',
      /application_type/,
    ],
    [
      'client_name not a string',
      { redirect_uris: [CALLBACK], client_name: 7 },
      'invalid_client_metadata',
      /client_name must be a string/,
    ],
    [
      'a client_uri that is not a URL',
      { redirect_uris: [CALLBACK], client_uri: 'nope' },
      'invalid_client_metadata',
      /client_uri must be an absolute http/,
    ],
    [
      'contacts not an array',
      { redirect_uris: [CALLBACK], contacts: 'a@b' },
      'invalid_client_metadata',
      /contacts must be an array/,
    ],
    [
      'a contact with white space',
      { redirect_uris: [CALLBACK], contacts: ['a b'] },
      'invalid_client_metadata',
      /white space/,
    ],
    [
      'empty grant_types',
      { redirect_uris: [CALLBACK], grant_types: [] },
      'invalid_client_metadata',
      /at least one grant type/,
    ],
    [
      'the implicit grant while it is off',
      { redirect_uris: [CALLBACK], grant_types: ['implicit'] },
      'invalid_client_metadata',
      /implicit grant is turned off/,
    ],
    [
      'client_credentials, not in the default policy',
      { redirect_uris: [CALLBACK], grant_types: ['client_credentials'] },
      'invalid_client_metadata',
      /not available/,
    ],
    [
      'an unknown response type',
      { redirect_uris: [CALLBACK], response_types: ['id_token'] },
      'invalid_client_metadata',
      /response type 'id_token'/,
    ],
    [
      'response type token without implicit',
      {
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code'],
        response_types: ['code', 'token'],
      },
      'invalid_client_metadata',
      /needs grant type implicit/,
    ],
    [
      'scope not a string',
      { redirect_uris: [CALLBACK], scope: ['profile'] },
      'invalid_client_metadata',
      /scope must be a string/,
    ],
    [
      'a malformed scope',
      { redirect_uris: [CALLBACK], scope: 'profile  email' },
      'invalid_client_metadata',
      /not a scope token/,
    ],
    [
      'an overlong client_name',
      { redirect_uris: [CALLBACK], client_name: 'x'.repeat(1025) },
      'invalid_client_metadata',
      /at most 1024/,
    ],
  ])('refuses %s (RFC 7591 §3.2.2)', (_case, body, error, description) => {
    const refused = refusal(body);
    expect(refused.error).toBe(error);
    expect(refused.status).toBe(400);
    expect(refused.description).toMatch(description);
  });

  it('refuses refresh_token when the server issues none, and client_credentials for a public client', () => {
    expect(
      refusal(
        { redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'] },
        rules({ refreshTokens: false }),
      ).description,
    ).toMatch(/no refresh tokens/);
    const policy = resolveDynamicRegistration({ grantTypes: ['client_credentials'] }, null);
    if (policy === null) throw new Error('registration is off');
    expect(
      refusal(
        {
          redirect_uris: [CALLBACK],
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'none',
        },
        rules({ policy }),
      ).description,
    ).toMatch(/needs a client that authenticates/);
    expect(
      RegistrationMetadata.read(
        { redirect_uris: [CALLBACK], grant_types: ['client_credentials'] },
        rules({ policy }),
      ).responseTypes,
    ).toEqual([]);
  });
});

describe('the dynamicRegistration option', () => {
  const redis = 'redis://127.0.0.1:6379';
  function failure(value: unknown, scopes?: string[]): OAuthistConfigurationError {
    try {
      resolveOptions({ redis, scopes, dynamicRegistration: value } as OAuthistModuleOptions);
    } catch (error) {
      return error as OAuthistConfigurationError;
    }
    throw new Error('options were accepted');
  }

  it('is off by default and with false', () => {
    expect(resolveOptions({ redis }).dynamicRegistration).toBeNull();
    expect(resolveOptions({ redis, dynamicRegistration: false }).dynamicRegistration).toBeNull();
  });

  it('opens registration with 20 per source per hour and the consent grants', () => {
    expect(resolveOptions({ redis, dynamicRegistration: {} }).dynamicRegistration).toEqual({
      initialAccessToken: null,
      rateLimit: { maxPerSource: 20, windowSeconds: 3600 },
      scopes: null,
      grantTypes: new Set(['authorization_code', 'implicit', 'refresh_token']),
    });
    expect(
      resolveOptions({ redis, dynamicRegistration: { rateLimit: false } }).dynamicRegistration
        ?.rateLimit,
    ).toBeNull();
  });

  it('compares static initial access tokens, and awaits a verifier', async () => {
    const policy = resolveOptions({
      redis,
      dynamicRegistration: { initialAccessToken: ['a'.repeat(16), 'b'.repeat(20)] },
    }).dynamicRegistration;
    expect(await policy?.initialAccessToken?.('b'.repeat(20))).toBe(true);
    expect(await policy?.initialAccessToken?.('b'.repeat(19))).toBe(false);
    const verified = resolveOptions({
      redis,
      dynamicRegistration: { initialAccessToken: (token) => Promise.resolve(token === 'ok') },
    }).dynamicRegistration;
    expect(await verified?.initialAccessToken?.('ok')).toBe(true);
    expect(await verified?.initialAccessToken?.('no')).toBe(false);
  });

  it.each([
    ['not an object', 'open', 'dynamicRegistration'],
    [
      'an unknown key',
      { initialAccessTokens: ['x'.repeat(16)] },
      'dynamicRegistration.initialAccessTokens',
    ],
    ['an empty token list', { initialAccessToken: [] }, 'dynamicRegistration.initialAccessToken'],
    ['a short token', { initialAccessToken: ['short'] }, 'dynamicRegistration.initialAccessToken'],
    [
      'a token with a space',
      { initialAccessToken: ['x'.repeat(16) + ' y'] },
      'dynamicRegistration.initialAccessToken',
    ],
    [
      'a token list that is a string',
      { initialAccessToken: 'x'.repeat(16) },
      'dynamicRegistration.initialAccessToken',
    ],
    [
      'a zero maxPerSource',
      { rateLimit: { maxPerSource: 0 } },
      'dynamicRegistration.rateLimit.maxPerSource',
    ],
    [
      'a fractional window',
      { rateLimit: { windowSeconds: 1.5 } },
      'dynamicRegistration.rateLimit.windowSeconds',
    ],
    ['a rateLimit of true', { rateLimit: true }, 'dynamicRegistration.rateLimit'],
    ['a scope the server does not issue', { scopes: ['root'] }, 'dynamicRegistration.scopes'],
    ['scopes that are not an array', { scopes: 'profile' }, 'dynamicRegistration.scopes'],
    ['the password grant', { grantTypes: ['password'] }, 'dynamicRegistration.grantTypes'],
    ['no grant types', { grantTypes: [] }, 'dynamicRegistration.grantTypes'],
  ])('refuses %s', (_case, value, option) => {
    const error = failure(value, ['profile']);
    expect(error).toBeInstanceOf(OAuthistConfigurationError);
    expect(error.message).toContain(option);
  });
});
