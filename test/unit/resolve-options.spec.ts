import { OAuthistConfigurationError, OAuthistModuleOptions } from '../../lib';
import { resolveOptions } from '../../lib/options/resolve-options';

const redis = 'redis://127.0.0.1:6379';

function failure(options: unknown): OAuthistConfigurationError {
  try {
    resolveOptions(options as OAuthistModuleOptions);
  } catch (error) {
    return error as OAuthistConfigurationError;
  }
  throw new Error('options were accepted');
}

describe('resolveOptions', () => {
  it('fills in the defaults of the manual', () => {
    expect(resolveOptions({ redis })).toEqual({
      redis,
      prefix: 'oauthist',
      scopes: null,
      authorizationCodeTtl: 3600,
      accessTokenTtl: null,
      implicitGrant: false,
      rememberConsent: false,
      passwordGrantWithoutClient: false,
      allowPlainPkce: false,
      pendingAuthorizationTtl: 600,
      pendingAuthorizationsPerSource: 60,
      introspectionPolicy: expect.any(Function),
      issuer: null,
      consentUrl: '/consent',
      bearerTokenInBody: true,
      bearerTokenInQuery: false,
      realm: 'oauthist',
      commandTimeout: 2000,
      bruteForce: { maxFailures: 10, maxFailuresPerUsername: 100, windowSeconds: 300 },
      clientCache: { maxEntries: 10000, maxAgeSeconds: 300 },
      tokenCache: null,
      refreshTokens: null,
      resources: null,
      dynamicRegistration: null,
      clientMetadataDocuments: null,
    });
  });

  describe('clientMetadataDocuments', () => {
    const defaults = {
      allowLoopbackHttp: false,
      timeoutMs: 5000,
      maxDocumentBytes: 5120,
      minCacheSeconds: 300,
      maxCacheSeconds: 86400,
      defaultCacheSeconds: 3600,
      failureCacheSeconds: 60,
    };

    it('is off by default and with false', () => {
      expect(resolveOptions({ redis }).clientMetadataDocuments).toBeNull();
      expect(
        resolveOptions({ redis, clientMetadataDocuments: false }).clientMetadataDocuments,
      ).toBeNull();
    });

    it('true turns it on with the defaults: 5 s, the 5 KiB the draft recommends, kept 5 min to 1 day', () => {
      expect(
        resolveOptions({ redis, clientMetadataDocuments: true }).clientMetadataDocuments,
      ).toEqual(defaults);
      expect(
        resolveOptions({ redis, clientMetadataDocuments: {} }).clientMetadataDocuments,
      ).toEqual(defaults);
    });

    it('keeps what was given', () => {
      const given = {
        allowLoopbackHttp: true,
        timeoutMs: 250,
        maxDocumentBytes: 1024,
        minCacheSeconds: 0,
        maxCacheSeconds: 10,
        defaultCacheSeconds: 5,
        failureCacheSeconds: 0,
      };
      expect(
        resolveOptions({ redis, clientMetadataDocuments: given }).clientMetadataDocuments,
      ).toEqual(given);
    });

    it('brings the default lifetime within narrower bounds', () => {
      expect(
        resolveOptions({ redis, clientMetadataDocuments: { maxCacheSeconds: 600 } })
          .clientMetadataDocuments?.defaultCacheSeconds,
      ).toBe(600);
      expect(
        resolveOptions({ redis, clientMetadataDocuments: { minCacheSeconds: 7200 } })
          .clientMetadataDocuments?.defaultCacheSeconds,
      ).toBe(7200);
    });
  });

  it('turns refresh tokens on with ttl alone: rotation for every client, no idle limit, no retry window', () => {
    expect(resolveOptions({ redis, refreshTokens: { ttl: 86400 } }).refreshTokens).toEqual({
      ttl: 86400,
      idleTtl: null,
      rotateConfidentialClients: true,
      reuseGraceSeconds: 0,
    });
    expect(resolveOptions({ redis, refreshTokens: false }).refreshTokens).toBeNull();
    expect(
      resolveOptions({
        redis,
        refreshTokens: { ttl: 600, idleTtl: 60, rotation: 'public-clients', reuseGraceSeconds: 5 },
      }).refreshTokens,
    ).toEqual({ ttl: 600, idleTtl: 60, rotateConfidentialClients: false, reuseGraceSeconds: 5 });
  });

  it('keeps what was given', () => {
    const options = resolveOptions({
      redis,
      prefix: 'p',
      scopes: ['a', 'b'],
      authorizationCodeTtl: 60,
      accessTokenTtl: 30,
    });
    expect(options.scopes).toEqual(new Set(['a', 'b']));
    expect(options.accessTokenTtl).toBe(30);
  });

  it('keeps rememberConsent as given, false by default: every request is put to the user', () => {
    expect(resolveOptions({ redis }).rememberConsent).toBe(false);
    expect(resolveOptions({ redis, rememberConsent: undefined }).rememberConsent).toBe(false);
    expect(resolveOptions({ redis, rememberConsent: true }).rememberConsent).toBe(true);
    expect(resolveOptions({ redis, rememberConsent: false }).rememberConsent).toBe(false);
  });

  it('sizes the caches: the client cache on unless false, the token cache off unless asked for', () => {
    expect(resolveOptions({ redis, clientCache: false }).clientCache).toBeNull();
    expect(resolveOptions({ redis, clientCache: { maxEntries: 5 } }).clientCache).toEqual({
      maxEntries: 5,
      maxAgeSeconds: 300,
    });
    expect(resolveOptions({ redis, tokenCache: true }).tokenCache).toEqual({
      maxEntries: 10000,
      maxAgeSeconds: 300,
    });
    expect(resolveOptions({ redis, tokenCache: { maxAgeSeconds: 30 } }).tokenCache).toEqual({
      maxEntries: 10000,
      maxAgeSeconds: 30,
    });
    expect(resolveOptions({ redis, tokenCache: false }).tokenCache).toBeNull();
  });

  it('keeps an issuer without its trailing slash', () => {
    expect(resolveOptions({ redis, issuer: 'https://as.example/' }).issuer).toBe(
      'https://as.example',
    );
  });

  it.each([
    [{ redis, authorizationCodeTtl: 0 }, 'authorizationCodeTtl'],
    [{ redis, authorizationCodeTtl: 1.5 }, 'authorizationCodeTtl'],
    [{ redis, authorizationCodeTtl: '60' }, 'authorizationCodeTtl'],
    [{ redis, accessTokenTtl: -1 }, 'accessTokenTtl'],
    [{ redis, prefix: 'a{b}' }, 'prefix'],
    [{ redis, prefix: '' }, 'prefix'],
    [{ redis, scopes: 'profile' }, 'scopes'],
    [{ redis, scopes: ['bad scope'] }, 'scopes'],
    [{ redis, scopes: ['quote"'] }, 'scopes'],
    [{ redis: 'http://localhost' }, 'redis'],
    [{ redis: 42 }, 'redis'],
    [{ redis, implicitGrant: 'yes' }, 'implicitGrant'],
    [{ redis, allowPlainPkce: 1 }, 'allowPlainPkce'],
    [{ redis, rememberConsent: 'true' }, 'rememberConsent'],
    [{ redis, rememberConsent: 1 }, 'rememberConsent'],
    [{ redis, rememberConsent: null }, 'rememberConsent'],
    [{ redis, passwordVerifier: () => null }, 'passwordVerifier'],
    [{ redis, issuer: 'not a url' }, 'issuer'],
    [{ redis, issuer: 'https://as.example/?x=1' }, 'issuer'],
    [{ redis, issuer: 'https://as.example/#f' }, 'issuer'],
    [{ redis, issuer: 'ftp://as.example' }, 'issuer'],
    [{ redis, consentUrl: 'consent' }, 'consentUrl'],
    [{ redis, consentUrl: '//evil.example/consent' }, 'consentUrl'],
    [{ redis, bearerTokenInQuery: 'true' }, 'bearerTokenInQuery'],
    [{ redis, bearerTokenInBody: 0 }, 'bearerTokenInBody'],
    [{ redis, realm: 'a"b' }, 'realm'],
    [{ redis, userIdExtra: 'user_id' }, 'userIdExtra'],
    [{ redis, pendingAuthorizationTtl: 0 }, 'pendingAuthorizationTtl'],
    [{ redis, pendingAuthorizationsPerSource: 0 }, 'pendingAuthorizationsPerSource'],
    [{ redis, introspectionPolicy: 'any' }, 'introspectionPolicy'],
    [{ redis, pendingAuthorizationsPerSource: true }, 'pendingAuthorizationsPerSource'],
    [{ redis, commandTimeout: 0 }, 'commandTimeout'],
    [{ redis, clientCache: 'on' }, 'clientCache'],
    [{ redis, clientCache: null }, 'clientCache'],
    [{ redis, clientCache: { maxEntries: 0 } }, 'clientCache.maxEntries'],
    [{ redis, tokenCache: [] }, 'tokenCache'],
    [{ redis, tokenCache: { maxEntries: 1.5 } }, 'tokenCache.maxEntries'],
    [{ redis, tokenCache: { maxAgeSeconds: 86401 } }, 'tokenCache.maxAgeSeconds'],
    [{ redis, tokenCache: { maxEntries: 10, ttl: 5 } }, 'tokenCache.ttl'],
    [{ redis, refreshTokens: true }, 'refreshTokens'],
    [{ redis, refreshTokens: {} }, 'refreshTokens.ttl'],
    [{ redis, refreshTokens: { ttl: 0 } }, 'refreshTokens.ttl'],
    [{ redis, refreshTokens: { ttl: 60, idleTtl: 61 } }, 'refreshTokens.idleTtl'],
    [{ redis, refreshTokens: { ttl: 60, rotation: 'never' } }, 'refreshTokens.rotation'],
    [
      { redis, refreshTokens: { ttl: 60, reuseGraceSeconds: -1 } },
      'refreshTokens.reuseGraceSeconds',
    ],
    [
      { redis, refreshTokens: { ttl: 60, reuseGraceSeconds: 301 } },
      'refreshTokens.reuseGraceSeconds',
    ],
    [{ redis, clientMetadataDocuments: 'yes' }, 'clientMetadataDocuments'],
    [{ redis, clientMetadataDocuments: [] }, 'clientMetadataDocuments'],
    [{ redis, clientMetadataDocuments: { timeout: 5 } }, 'clientMetadataDocuments.timeout'],
    [
      { redis, clientMetadataDocuments: { allowLoopbackHttp: 1 } },
      'clientMetadataDocuments.allowLoopbackHttp',
    ],
    [{ redis, clientMetadataDocuments: { timeoutMs: 0 } }, 'clientMetadataDocuments.timeoutMs'],
    [{ redis, clientMetadataDocuments: { timeoutMs: 60001 } }, 'clientMetadataDocuments.timeoutMs'],
    [
      { redis, clientMetadataDocuments: { maxDocumentBytes: 100 } },
      'clientMetadataDocuments.maxDocumentBytes',
    ],
    [
      { redis, clientMetadataDocuments: { maxDocumentBytes: 1.5e6 } },
      'clientMetadataDocuments.maxDocumentBytes',
    ],
    [
      { redis, clientMetadataDocuments: { minCacheSeconds: -1 } },
      'clientMetadataDocuments.minCacheSeconds',
    ],
    [
      { redis, clientMetadataDocuments: { minCacheSeconds: 600, maxCacheSeconds: 300 } },
      'clientMetadataDocuments.maxCacheSeconds',
    ],
    [
      { redis, clientMetadataDocuments: { defaultCacheSeconds: 100 } },
      'clientMetadataDocuments.defaultCacheSeconds',
    ],
    [
      { redis, clientMetadataDocuments: { failureCacheSeconds: 3601 } },
      'clientMetadataDocuments.failureCacheSeconds',
    ],
    [{}, 'redis'],
    [null, 'options'],
  ])('names the bad option in %j', (options, option) => {
    const error = failure(options);
    expect(error).toBeInstanceOf(OAuthistConfigurationError);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
  });
});
