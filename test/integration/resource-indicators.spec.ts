import { Test } from '@nestjs/testing';
import {
  ClientService,
  OAuthistModule,
  fromRequest,
  GrantService,
  IssuedAccessToken,
  OAuthError,
  RegisteredClient,
  TokenService,
  UserCredentialsVerifier,
} from '../../lib';
import type { ModuleOptions } from '../support/module-options';
import { withVerifier } from '../support/module-options';
import { errorOf, obtainCode } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { fragmentOf, pkcePair } from '../support/pkce';
import { dumpKeys, testRedisOption } from '../support/test-redis';

const MCP = 'https://api.example.com/mcp';
const API = 'https://api.example.com/api';
const FILES = 'https://files.example.com/';

const verifier: UserCredentialsVerifier = {
  verify: (username, password) =>
    username === 'bob' && password === 'builder' ? { userId: 'bob' } : null,
};

/** Parameters as a form would send them, `resource` repeated when it is a list. */
function form(parameters: Record<string, string | string[]>): ReturnType<typeof fromRequest> {
  return fromRequest({ method: 'POST', body: parameters });
}

describe('resource indicators (RFC 8707)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let web: RegisteredClient;

  async function start(options: Partial<ModuleOptions> = {}): Promise<void> {
    fixture = await createOAuthistFixture({
      scopes: ['profile', 'email'],
      resources: [MCP, API, FILES],
      refreshTokens: { ttl: 3600 },
      ...withVerifier(verifier),
      ...options,
    });
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    web = await fixture.module
      .get(ClientService)
      .create({ clientType: 'web', redirectUrls: ['https://client.example/cb'] });
  }

  afterEach(() => fixture.close());

  /** A code alice grants web for `resource`, and its PKCE verifier. */
  async function codeFor(
    resource: string[] | undefined,
  ): Promise<{ code: string; verifier: string }> {
    const pkce = pkcePair();
    const request = await grants.codeRequest(
      fromRequest({
        method: 'GET',
        query: {
          client_id: web.id,
          response_type: 'code',
          scope: 'profile',
          code_challenge: pkce.challenge,
          code_challenge_method: 'S256',
          ...(resource === undefined ? {} : { resource }),
        },
      }),
    );
    if (request.error) throw request.error;
    const pending = await request.saveCode();
    const location = new URL(await pending.accept({ userId: 'alice' }));
    return { code: location.searchParams.get('code') as string, verifier: pkce.verifier };
  }

  async function exchange(
    granted: { code: string; verifier: string },
    resource?: string[],
  ): Promise<IssuedAccessToken> {
    const request = await grants.codeExchangeRequest(
      form({
        grant_type: 'authorization_code',
        code: granted.code,
        code_verifier: granted.verifier,
        client_id: web.id,
        client_secret: web.secret as string,
        ...(resource === undefined ? {} : { resource }),
      }),
    );
    return request.exchangeForToken();
  }

  async function refresh(refreshToken: string, resource?: string[]): Promise<IssuedAccessToken> {
    const request = await grants.refreshTokenRequest(
      form({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: web.id,
        client_secret: web.secret as string,
        ...(resource === undefined ? {} : { resource }),
      }),
    );
    return request.exchangeForToken();
  }

  function refusal(promise: Promise<unknown>): Promise<{ error: string; description: string }> {
    return promise.then(
      () => ({ error: 'issued', description: '' }),
      (error: unknown) => {
        if (error instanceof OAuthError)
          return { error: error.error, description: error.description };
        throw error;
      },
    );
  }

  describe('the authorization and token endpoints', () => {
    beforeEach(() => start());

    it('a token has the audience the user granted, and introspection says so (RFC 8707 §2, RFC 7662 §2.2)', async () => {
      const issued = await exchange(await codeFor([MCP, API]));
      expect(issued.token.audience).toEqual([MCP, API]);
      await expect(tokens.introspect(issued.accessToken)).resolves.toMatchObject({
        active: true,
        aud: [MCP, API],
      });
    });

    it('the token request narrows it to part of the grant (RFC 8707 §2.2)', async () => {
      const issued = await exchange(await codeFor([MCP, API]), [API]);
      expect(issued.token.audience).toEqual([API]);
    });

    it('a token request naming a resource the user did not grant is invalid_target, and the code still works', async () => {
      const granted = await codeFor([MCP]);
      await expect(refusal(exchange(granted, [API]))).resolves.toEqual({
        error: 'invalid_target',
        description: 'resource names a resource the user did not grant (RFC 8707 section 2.2)',
      });
      expect((await exchange(granted)).token.audience).toEqual([MCP]);
    });

    it('an implicit request accepted at once binds its token to the resources it names, as one saved first does (RFC 8707 §2)', async () => {
      await fixture.close();
      await start({ implicitGrant: true });
      const spa = await fixture.module
        .get(ClientService)
        .create({ clientType: 'user-agent', redirectUrls: ['https://spa.example/cb'] });
      const implicit = () =>
        grants.accessTokenRequest({ client_id: spa.id, scope: 'profile', resource: MCP });
      const atOnce = fragmentOf(await (await implicit()).accept({ userId: 'alice' }));
      const saved = fragmentOf(
        await (await (await implicit()).savePending()).accept({ userId: 'alice' }),
      );
      for (const fragment of [atOnce, saved]) {
        const token = await tokens.verifyAccessToken(fragment.access_token as string);
        expect(token.audience).toEqual([MCP]);
      }
    });

    it('a grant without audience may be restricted by the token request', async () => {
      const issued = await exchange(await codeFor(undefined), [FILES]);
      expect(issued.token.audience).toEqual([FILES]);
    });

    it('a token requested without resource has no audience (none is configured by default)', async () => {
      const issued = await exchange(await codeFor(undefined));
      expect(issued.token.audience).toBeNull();
      const claims = await tokens.introspect(issued.accessToken);
      expect(claims).not.toHaveProperty('aud');
    });

    it('an unknown resource is invalid_target at the authorization endpoint (RFC 8707 §2)', async () => {
      const request = await grants.codeRequest(
        fromRequest({
          method: 'GET',
          query: { client_id: web.id, response_type: 'code', resource: 'https://evil.example/' },
        }),
      );
      expect(request.error).toMatchObject({ error: 'invalid_target' });
    });

    it('client credentials: the resources asked for, or invalid_target', async () => {
      const good = await grants.clientCredentialsRequest(
        form({
          grant_type: 'client_credentials',
          client_id: web.id,
          client_secret: web.secret as string,
          resource: [FILES, MCP],
        }),
      );
      expect((await good.exchangeForToken()).token.audience).toEqual([FILES, MCP]);
      const bad = await grants.clientCredentialsRequest(
        form({
          grant_type: 'client_credentials',
          client_id: web.id,
          client_secret: web.secret as string,
          resource: 'https://evil.example/',
        }),
      );
      expect(errorOf(bad)).toMatchObject({ error: 'invalid_target' });
    });

    it('the password grant takes resource too', async () => {
      const request = await grants.passwordExchangeRequest(
        form({
          grant_type: 'password',
          username: 'bob',
          password: 'builder',
          client_id: web.id,
          client_secret: web.secret as string,
          resource: MCP,
        }),
      );
      expect((await request.exchangeForToken()).token.audience).toEqual([MCP]);
    });

    it('a refresh narrows the audience, never widens it, and the next one has the whole grant again', async () => {
      const first = await exchange(await codeFor([MCP, API]), [MCP]);
      const narrowed = await refresh(first.refreshToken as string, [API]);
      expect(narrowed.token.audience).toEqual([API]);
      await expect(refusal(refresh(narrowed.refreshToken as string, [FILES]))).resolves.toEqual({
        error: 'invalid_target',
        description: 'resource names a resource the user did not grant (RFC 8707 section 2.2)',
      });
      const whole = await refresh(narrowed.refreshToken as string);
      expect(whole.token.audience).toEqual([MCP, API]);
      await expect(tokens.introspect(whole.refreshToken as string, web)).resolves.toMatchObject({
        token_type: 'refresh_token',
        aud: [MCP, API],
      });
    });

    it('stores no resource URI: eight characters per resource', async () => {
      await exchange(await codeFor([MCP, API, FILES]));
      const dump = await dumpKeys(fixture.redis, fixture.prefix);
      for (const content of dump.values()) {
        for (const resource of [MCP, API, FILES]) expect(content).not.toContain(resource);
      }
    });
  });

  describe('at a protected resource: verifyAccessTokenFor()', () => {
    beforeEach(() => start());

    async function tokenFor(resource?: string[]): Promise<string> {
      const request = await grants.clientCredentialsRequest(
        form({
          grant_type: 'client_credentials',
          client_id: web.id,
          client_secret: web.secret as string,
          scope: 'profile',
          ...(resource === undefined ? {} : { resource }),
        }),
      );
      return (await request.exchangeForToken()).accessToken;
    }

    function reason(promise: Promise<unknown>): Promise<string> {
      return promise.then(
        () => 'accepted',
        (error: { reason?: string }) => error.reason ?? 'thrown',
      );
    }

    it('takes a token issued for the resource', async () => {
      const token = await tokenFor([MCP, API]);
      await expect(
        tokens.verifyAccessTokenFor(token, { resource: MCP }, 'profile'),
      ).resolves.toMatchObject({ audience: [MCP, API] });
    });

    it('refuses a token for another resource as invalid_token, before its scopes: no passthrough', async () => {
      const token = await tokenFor([API]);
      await expect(
        reason(tokens.verifyAccessTokenFor(token, { resource: MCP }, 'email')),
      ).resolves.toBe('wrong_audience');
      await expect(reason(tokens.verifyAccessTokenFor(token, null))).resolves.toBe(
        'wrong_audience',
      );
    });

    it('refuses a token with no audience unless the resource accepts unrestricted tokens', async () => {
      const token = await tokenFor();
      await expect(reason(tokens.verifyAccessTokenFor(token, { resource: MCP }))).resolves.toBe(
        'no_audience',
      );
      await expect(
        reason(tokens.verifyAccessTokenFor(token, { resource: MCP, acceptUnrestricted: true })),
      ).resolves.toBe('accepted');
      await expect(reason(tokens.verifyAccessTokenFor(token, null))).resolves.toBe('accepted');
    });

    it('verifyAccessToken() alone checks no audience', async () => {
      await expect(
        reason(tokens.verifyAccessToken(await tokenFor([API]), 'profile')),
      ).resolves.toBe('accepted');
    });
  });

  describe('defaultResources', () => {
    it('gives a token requested without resource the default audience', async () => {
      await start({ defaultResources: [MCP] });
      expect((await exchange(await codeFor(undefined))).token.audience).toEqual([MCP]);
      const code = await obtainCode(grants, web, {}, { userId: 'alice' });
      const request = await grants.codeExchangeRequest({
        code,
        client_id: web.id,
        client_secret: web.secret,
      });
      expect((await request.exchangeForToken()).token.audience).toEqual([MCP]);
    });
  });

  describe('a resource dropped from the options', () => {
    it("is dropped from its tokens' audience, and a token left with none is taken nowhere", async () => {
      await start();
      const issued = await exchange(await codeFor([FILES]));
      // The same Redis and prefix, under options that no longer list FILES.
      const later = await Test.createTestingModule({
        imports: [
          OAuthistModule.forRoot({
            redis: testRedisOption(),
            prefix: fixture.prefix,
            resources: [MCP, API],
          }),
        ],
      }).compile();
      await later.init();
      try {
        const service = later.get(TokenService);
        await expect(service.verifyAccessToken(issued.accessToken)).resolves.toMatchObject({
          audience: [],
        });
        await expect(
          service.verifyAccessTokenFor(issued.accessToken, {
            resource: MCP,
            acceptUnrestricted: true,
          }),
        ).rejects.toMatchObject({ reason: 'wrong_audience' });
      } finally {
        await later.close();
      }
    });
  });

  describe('without the resources option', () => {
    it('refuses every resource with invalid_target, at both endpoints (RFC 8707 §2)', async () => {
      await start({ resources: undefined });
      const authorization = await grants.codeRequest(
        fromRequest({
          method: 'GET',
          query: { client_id: web.id, response_type: 'code', resource: MCP },
        }),
      );
      expect(authorization.error).toMatchObject({ error: 'invalid_target' });
      const request = await grants.clientCredentialsRequest(
        form({
          grant_type: 'client_credentials',
          client_id: web.id,
          client_secret: web.secret as string,
          resource: MCP,
        }),
      );
      expect(errorOf(request)).toMatchObject({ error: 'invalid_target' });
    });
  });
});
