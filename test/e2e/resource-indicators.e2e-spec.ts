import request from 'supertest';
import type { RegisteredClient } from '../../lib';
import { ADAPTERS, FIXTURE_RESOURCES } from '../fixtures/http-app';
import { basicOf, codeThroughConsent, E2eApp, startE2eApp } from '../support/http-flows';
import { pkcePair } from '../support/pkce';
import {
  bearerChallenge,
  expectBearerRefusal,
  expectClientRedirect,
  expectTokenError,
  expectJsonAnswer,
  expectTokenSuccess,
  headerOf,
  TokenResponse,
} from '../support/rfc-assertions';

const CALLBACK = 'https://client.example/cb';
const TTL = 600;
const { mcp: MCP, files: FILES } = FIXTURE_RESOURCES;
const OTHER = 'https://other.example/api';
const MCP_METADATA = 'https://rs.example/.well-known/oauth-protected-resource/mcp';

/** A form body with `resource` repeated, as RFC 8707 §2 allows. */
function formOf(parameters: Record<string, string | string[]>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters))
    for (const each of Array.isArray(value) ? value : [value]) form.append(name, each);
  return form.toString();
}

describe.each(ADAPTERS)('resource indicators and protected resources (%s)', (adapter) => {
  let e2e: E2eApp;
  let web: RegisteredClient;

  beforeAll(async () => {
    e2e = await startE2eApp(adapter, {
      scopes: ['profile', 'email'],
      accessTokenTtl: TTL,
      issuer: 'https://as.example',
      resources: [MCP, FILES, OTHER, '/under-issuer'],
      refreshTokens: { ttl: 3600 },
    });
    web = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
  });
  afterAll(() => e2e.close());

  function get(path: string, accessToken?: string): request.Test {
    const call = request(e2e.server).get(path);
    return accessToken === undefined ? call : call.set('Authorization', `Bearer ${accessToken}`);
  }

  function token(parameters: Record<string, string | string[]>): request.Test {
    return request(e2e.server)
      .post('/oauth/token')
      .set('Authorization', basicOf(web))
      .type('form')
      .send(formOf(parameters));
  }

  /** alice's code for `resource` and `scope`, through the consent page. */
  async function codeFor(
    resource: string[],
    scope = 'profile',
  ): Promise<{ code: string; verifier: string }> {
    const pkce = pkcePair();
    const query = new URLSearchParams({
      client_id: web.id,
      response_type: 'code',
      scope,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
    for (const each of resource) query.append('resource', each);
    const authorization = await request(e2e.server).get(`/oauth/authorize?${query.toString()}`);
    const requestId = new URL(
      headerOf(authorization, 'Location') as string,
      'http://consent.invalid',
    ).searchParams.get('request_id');
    const answer = await request(e2e.server)
      .get('/consent')
      .query({ request_id: requestId, user: 'alice', decision: 'allow' });
    const code = new URL(headerOf(answer, 'Location') as string).searchParams.get('code');
    if (code === null) throw new Error('no code');
    return { code, verifier: pkce.verifier };
  }

  async function tokensFor(
    resource: string[],
    requested: string[] = [],
    scope = 'profile',
  ): Promise<TokenResponse> {
    const { code, verifier } = await codeFor(resource, scope);
    return expectTokenSuccess(
      await token({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        resource: requested,
      }),
      { scope, expiresIn: TTL, refreshToken: true },
    );
  }

  async function clientToken(resource: string[], scope = 'profile'): Promise<string> {
    return expectTokenSuccess(await token({ grant_type: 'client_credentials', scope, resource }), {
      scope,
      expiresIn: TTL,
    }).access_token;
  }

  describe('the resource parameter (RFC 8707 §2)', () => {
    it('a token the user granted for the MCP resource passes there, with its audience', async () => {
      const issued = await tokensFor([MCP]);
      expect((await get('/mcp', issued.access_token).expect(200)).body).toEqual({
        user_id: 'alice',
        client_id: web.id,
        scope: 'profile',
        aud: [MCP],
      });
    });

    it('introspection returns aud (RFC 7662 §2.2)', async () => {
      const issued = await tokensFor([MCP, FILES]);
      const response = await request(e2e.server)
        .post('/oauth/introspect')
        .set('Authorization', basicOf(web))
        .type('form')
        .send({ token: issued.access_token });
      expect(response.body).toMatchObject({ active: true, aud: [MCP, FILES] });
    });

    it('the token request narrows the audience (RFC 8707 §2.2): the token then fails elsewhere', async () => {
      const issued = await tokensFor([MCP, FILES], [FILES]);
      expect((await get('/mcp', issued.access_token)).status).toBe(401);
    });

    it('a token request naming a resource the user did not grant is invalid_target', async () => {
      const { code, verifier } = await codeFor([MCP]);
      expectTokenError(
        await token({
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          resource: OTHER,
        }),
        {
          status: 400,
          error: 'invalid_target',
          description: 'resource names a resource the user did not grant (RFC 8707 section 2.2)',
        },
      );
    });

    it('a resource this server does not serve is invalid_target at the token endpoint', async () => {
      expectTokenError(
        await token({ grant_type: 'client_credentials', resource: 'https://evil.example/' }),
        {
          status: 400,
          error: 'invalid_target',
          description:
            'resource https://evil.example/ is not served by this authorization server (RFC 8707 section 2)',
        },
      );
    });

    it('and at the authorization endpoint, redirected to the client (RFC 8707 §2, RFC 6749 §4.1.2.1)', async () => {
      const response = await request(e2e.server).get('/oauth/authorize').query({
        client_id: web.id,
        response_type: 'code',
        state: 'st',
        resource: 'https://evil.example/',
      });
      expectClientRedirect(response, {
        redirectUri: CALLBACK,
        query: {
          error: 'invalid_target',
          error_description:
            'resource https://evil.example/ is not served by this authorization server (RFC 8707 section 2)',
          state: 'st',
          iss: 'https://as.example',
        },
      });
    });

    it('a refresh narrows the audience and never widens it (RFC 8707 §2.2)', async () => {
      const issued = await tokensFor([MCP, FILES]);
      const narrowed = expectTokenSuccess(
        await token({
          grant_type: 'refresh_token',
          refresh_token: issued.refresh_token as string,
          resource: FILES,
        }),
        { scope: 'profile', expiresIn: TTL, refreshToken: true },
      );
      expect((await get('/mcp', narrowed.access_token)).status).toBe(401);
      expectTokenError(
        await token({
          grant_type: 'refresh_token',
          refresh_token: narrowed.refresh_token as string,
          resource: OTHER,
        }),
        {
          status: 400,
          error: 'invalid_target',
          description: 'resource names a resource the user did not grant (RFC 8707 section 2.2)',
        },
      );
      const whole = expectTokenSuccess(
        await token({
          grant_type: 'refresh_token',
          refresh_token: narrowed.refresh_token as string,
        }),
        { scope: 'profile', expiresIn: TTL, refreshToken: true },
      );
      await get('/mcp', whole.access_token).expect(200);
    });
  });

  describe('the audience at the guard', () => {
    it('a token for another resource is refused with invalid_token, and the resource metadata (RFC 9728 §5.1)', async () => {
      expectBearerRefusal(await get('/mcp', await clientToken([FILES])), {
        status: 401,
        error: 'invalid_token',
        description: 'the access token was issued for another resource (RFC 8707 section 2)',
        resourceMetadata: MCP_METADATA,
      });
    });

    it('a token for the MCP resource is refused at a route that names no resource: no passthrough', async () => {
      expectBearerRefusal(await get('/api/me', await clientToken([MCP])), {
        status: 401,
        error: 'invalid_token',
        description: 'the access token was issued for another resource (RFC 8707 section 2)',
      });
    });

    it('a token with no audience passes only where the route accepts unrestricted tokens', async () => {
      const unrestricted = await clientToken([]);
      expectBearerRefusal(await get('/mcp', unrestricted), {
        status: 401,
        error: 'invalid_token',
        description:
          'the access token names no resource, and this one takes only its own (RFC 8707 section 2)',
        resourceMetadata: MCP_METADATA,
      });
      await get('/mcp-open', unrestricted).expect(200);
      await get('/api/me', unrestricted).expect(200);
    });

    it('a request without a token gets the challenge with resource_metadata alone (RFC 6750 §3.1, RFC 9728 §5.1)', async () => {
      const response = await get('/mcp');
      expect(response.status).toBe(401);
      expect(headerOf(response, 'WWW-Authenticate')).toBe(
        `Bearer realm="oauthist", resource_metadata="${MCP_METADATA}"`,
      );
    });

    it('a token for the resource without the scope is 403 insufficient_scope, naming the scope to step up to', async () => {
      expectBearerRefusal(await get('/mcp', await clientToken([MCP], 'email')), {
        status: 403,
        error: 'insufficient_scope',
        description: 'the access token does not hold any of the required scopes',
        scope: 'profile',
        resourceMetadata: MCP_METADATA,
      });
    });

    it('a route that names no resource announces no resource metadata', async () => {
      const response = await get('/api/me');
      expect(headerOf(response, 'WWW-Authenticate')).toBe(bearerChallenge({}));
    });
  });

  describe('a resource named by its path under the issuer', () => {
    const UNDER = 'https://as.example/under-issuer';

    it('is the issuer followed by the path, in the options and at the guard', async () => {
      const issued = await clientToken([UNDER]);
      expect((await get('/under-issuer', issued).expect(200)).body).toMatchObject({ aud: [UNDER] });
      expectBearerRefusal(await get('/under-issuer', await clientToken([MCP])), {
        status: 401,
        error: 'invalid_token',
        description: 'the access token was issued for another resource (RFC 8707 section 2)',
        resourceMetadata: 'https://as.example/.well-known/oauth-protected-resource/under-issuer',
      });
    });

    it('has its metadata under the well-known path (RFC 9728 §3.1)', async () => {
      const response = await get('/.well-known/oauth-protected-resource/under-issuer').expect(200);
      expect(response.body).toMatchObject({ resource: UNDER });
    });
  });

  describe('protected resource metadata (RFC 9728 §3)', () => {
    it('serves the metadata of a resource at the well-known path followed by its own', async () => {
      const response = await get('/.well-known/oauth-protected-resource/mcp');
      expectJsonAnswer(response, {
        status: 200,
        cacheControl: 'public, max-age=3600',
        body: {
          resource: MCP,
          authorization_servers: ['https://as.example'],
          scopes_supported: ['profile', 'email'],
          bearer_methods_supported: ['header', 'body'],
        },
      });
    });

    it('serves a resource without a path at the well-known path itself (RFC 9728 §3.1)', async () => {
      const response = await get('/.well-known/oauth-protected-resource').expect(200);
      expect(response.body).toMatchObject({ resource: FILES });
    });

    it('answers 404 for a path that is no resource of this server', async () => {
      expect((await get('/.well-known/oauth-protected-resource/nothing')).status).toBe(404);
    });

    it('names the issuer from the Host header when the issuer option is unset, and then is never cached', async () => {
      const hostless = await startE2eApp(adapter, { resources: [MCP] });
      try {
        const response = await request(hostless.server)
          .get('/.well-known/oauth-protected-resource/mcp')
          .set('Host', 'as.example:8443');
        expect({
          status: response.status,
          cacheControl: headerOf(response, 'Cache-Control'),
          servers: (response.body as { authorization_servers: string[] }).authorization_servers,
        }).toEqual({ status: 200, cacheControl: 'no-store', servers: ['http://as.example:8443'] });
      } finally {
        await hostless.close();
      }
    });
  });

  describe('without the resources option', () => {
    let plain: E2eApp;
    let client: RegisteredClient;

    beforeAll(async () => {
      plain = await startE2eApp(adapter, { scopes: ['profile'] });
      client = await plain.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    });
    afterAll(() => plain.close());

    it('takes no resource: invalid_target (RFC 8707 §2)', async () => {
      const response = await request(plain.server)
        .post('/oauth/token')
        .set('Authorization', basicOf(client))
        .type('form')
        .send({ grant_type: 'client_credentials', resource: MCP });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_target' });
    });

    it('issues tokens with no audience, which every route that names no resource takes', async () => {
      const code = await codeThroughConsent(plain.server, {
        client_id: client.id,
        response_type: 'code',
        scope: 'profile',
      });
      const issued = expectTokenSuccess(
        await request(plain.server)
          .post('/oauth/token')
          .set('Authorization', basicOf(client))
          .type('form')
          .send({ grant_type: 'authorization_code', code }),
        { scope: 'profile' },
      );
      await request(plain.server)
        .get('/api/me')
        .set('Authorization', `Bearer ${issued.access_token}`)
        .expect(200);
      expect(
        (await request(plain.server).get('/.well-known/oauth-protected-resource/mcp')).status,
      ).toBe(404);
    });
  });
});
