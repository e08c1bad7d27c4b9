import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { UserCredentialsVerifier } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { basicOf, E2eApp, startE2eApp } from '../support/http-flows';
import { expectTokenError, mediaTypeOf } from '../support/rfc-assertions';
import { withVerifier } from '../support/module-options';

const METADATA = '/.well-known/oauth-authorization-server';
const ISSUER = 'https://as.example';

const passwordVerifier: UserCredentialsVerifier = {
  verify: (username, password) =>
    username === 'alice' && password === 'wonderland' ? { userId: username } : null,
};

/** RFC 8414 §3.2: 200 and a JSON object. */
async function metadataOf(e2e: E2eApp): Promise<Record<string, unknown>> {
  const response = await request(e2e.server).get(METADATA);
  expect(response.status).toBe(200);
  expect(mediaTypeOf(response)).toBe('application/json');
  return response.body as Record<string, unknown>;
}

describe.each(ADAPTERS)('authorization server metadata (%s)', (adapter) => {
  describe('with every feature on and an issuer set', () => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await startE2eApp(adapter, {
        issuer: `${ISSUER}/`,
        scopes: ['profile', 'email'],
        ...withVerifier(passwordVerifier),
        implicitGrant: true,
      });
    });
    afterAll(() => e2e.close());

    it('describes the server under the issuer option, endpoints included (RFC 8414 §2, §3.2)', async () => {
      expect(await metadataOf(e2e)).toEqual({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/oauth/authorize`,
        token_endpoint: `${ISSUER}/oauth/token`,
        revocation_endpoint: `${ISSUER}/oauth/revoke`,
        introspection_endpoint: `${ISSUER}/oauth/introspect`,
        response_types_supported: ['code', 'token'],
        response_modes_supported: ['query', 'fragment'],
        grant_types_supported: ['authorization_code', 'client_credentials', 'password', 'implicit'],
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'none',
        ],
        revocation_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'none',
        ],
        introspection_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
        ],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['profile', 'email'],
        authorization_response_iss_parameter_supported: true,
      });
    });

    it('may be cached once the issuer is configured', async () => {
      const response = await request(e2e.server).get(METADATA);
      expect(response.headers['cache-control']).toBe('public, max-age=3600');
    });

    it('ignores the Host header once the issuer is set (RFC 8414 §3.3)', async () => {
      const response = await request(e2e.server)
        .get(METADATA)
        .set('Host', 'attacker.example')
        .expect(200);
      expect(response.body.issuer).toBe(ISSUER);
      expect(response.body.token_endpoint).toBe(`${ISSUER}/oauth/token`);
    });
  });

  describe('with defaults, revocation and introspection left out', () => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await startE2eApp(adapter, {}, { revoke: false, introspect: false });
    });
    afterAll(() => e2e.close());

    function origin(): string {
      return `http://127.0.0.1:${(e2e.server.address() as AddressInfo).port}`;
    }

    it('must not be cached when the issuer comes from the Host header, which anyone can forge', async () => {
      const response = await request(e2e.server).get(METADATA).set('Host', 'evil.example');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body.issuer).toBe('http://evil.example');
    });

    it('takes the issuer from the request and names only the endpoints served (RFC 8414 §2)', async () => {
      const metadata = await metadataOf(e2e);
      expect(metadata).toMatchObject({
        issuer: origin(),
        authorization_endpoint: `${origin()}/oauth/authorize`,
        token_endpoint: `${origin()}/oauth/token`,
        authorization_response_iss_parameter_supported: false,
      });
      expect(metadata).not.toHaveProperty('revocation_endpoint');
      expect(metadata).not.toHaveProperty('introspection_endpoint');
    });

    it('lists neither password nor implicit when they are off (RFC 8414 §2)', async () => {
      const metadata = await metadataOf(e2e);
      expect(metadata.grant_types_supported).toEqual(['authorization_code', 'client_credentials']);
      expect(metadata.response_types_supported).toEqual(['code']);
      expect(metadata.response_modes_supported).toEqual(['query']);
      expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    });

    it('leaves scopes_supported out when any scope is accepted (RFC 8414 §2: RECOMMENDED, not required)', async () => {
      expect(await metadataOf(e2e)).not.toHaveProperty('scopes_supported');
    });

    it('serves the token endpoint it names, and refuses the grant it does not list (RFC 6749 §5.2)', async () => {
      const client = await e2e.clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      const { token_endpoint: tokenEndpoint } = await metadataOf(e2e);
      const response = await request(e2e.server)
        .post(new URL(tokenEndpoint as string).pathname)
        .set('Authorization', basicOf(client))
        .type('form')
        .send({ grant_type: 'password', username: 'alice', password: 'wonderland' });
      expectTokenError(response, {
        status: 400,
        error: 'unsupported_grant_type',
        description: 'the password grant is turned off',
      });
    });
  });
});
