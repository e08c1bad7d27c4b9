import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { OAuthistRoutes } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { E2eApp, startE2eApp } from '../support/http-flows';
import { expectErrorPage, expectTokenError, mediaTypeOf } from '../support/rfc-assertions';

type Endpoint = keyof OAuthistRoutes;

const DEFAULT_PATHS: Readonly<Record<Endpoint, string>> = {
  authorize: '/oauth/authorize',
  token: '/oauth/token',
  revoke: '/oauth/revoke',
  introspect: '/oauth/introspect',
  metadata: '/.well-known/oauth-authorization-server',
  protectedResourceMetadata: '/.well-known/oauth-protected-resource',
  register: '/oauth/register',
};

const CUSTOM_PATHS: Readonly<Record<Endpoint, string>> = {
  authorize: '/v2/auth/authorize',
  token: '/v2/auth/token',
  revoke: '/v2/auth/revoke',
  introspect: '/v2/auth/introspect',
  metadata: '/v2/auth/metadata',
  protectedResourceMetadata: '/v2/resource-metadata',
  register: '/v2/auth/register',
};

const ENDPOINTS = Object.keys(DEFAULT_PATHS) as Endpoint[];

/** A resource, so that its metadata is served (RFC 9728). */
const RESOURCE = 'https://rs.example/mcp';

/** Every endpoint on: a resource for its metadata, and dynamic registration (RFC 7591). */
const EVERY_ENDPOINT = { resources: [RESOURCE], dynamicRegistration: {} };

/**
 * Asks the endpoint something only it answers this way (a request without parameters), so that
 * a pass proves the endpoint, not some other route, is at `path`.
 */
async function expectServed(e2e: E2eApp, endpoint: Endpoint, path: string): Promise<void> {
  const http = request(e2e.server);
  switch (endpoint) {
    case 'authorize':
      for (const response of [await http.get(path), await request(e2e.server).post(path)]) {
        expectErrorPage(response, {
          status: 400,
          error: 'invalid_request',
          description: 'client_id is missing',
        });
      }
      return;
    case 'token':
      expectTokenError(await http.post(path).type('form').send(''), {
        status: 400,
        error: 'invalid_request',
        description: 'grant_type is missing',
      });
      return;
    case 'revoke':
    case 'introspect':
      expectTokenError(await http.post(path).type('form').send(''), {
        status: 400,
        error: 'invalid_request',
        description: 'token is missing',
      });
      return;
    case 'metadata': {
      const response = await http.get(path);
      expect(response.status).toBe(200);
      expect(mediaTypeOf(response)).toBe('application/json');
      // Without the issuer option, the issuer is where the request went.
      const { port } = e2e.server.address() as AddressInfo;
      expect(response.body.issuer).toBe(`http://127.0.0.1:${port}`);
      return;
    }
    case 'register':
      expectTokenError(await http.post(path).send({}), {
        status: 400,
        error: 'invalid_redirect_uri',
        description: 'redirect_uris is required: at least one redirect URI (RFC 7591 section 2)',
      });
      return;
    case 'protectedResourceMetadata': {
      // RFC 9728 §3.1: the resource's path follows the well-known one.
      const response = await http.get(`${path}/mcp`);
      expect({ status: response.status, resource: response.body.resource }).toEqual({
        status: 200,
        resource: RESOURCE,
      });
      return;
    }
  }
}

/** Nothing is routed there: Nest's own 404, for the method the endpoint would have taken. */
async function expectNotRouted(e2e: E2eApp, endpoint: Endpoint, given: string): Promise<void> {
  const path = endpoint === 'protectedResourceMetadata' ? `${given}/mcp` : given;
  const methods =
    endpoint === 'authorize'
      ? ['GET', 'POST']
      : [endpoint === 'metadata' || endpoint === 'protectedResourceMetadata' ? 'GET' : 'POST'];
  for (const method of methods) {
    const response =
      method === 'GET'
        ? await request(e2e.server).get(path)
        : await request(e2e.server).post(path).type('form').send('');
    expect({ status: response.status, body: response.body as unknown }).toEqual({
      status: 404,
      body: { message: `Cannot ${method} ${path}`, error: 'Not Found', statusCode: 404 },
    });
  }
}

describe.each(ADAPTERS)('endpoint routes (%s)', (adapter) => {
  describe('without a routes argument', () => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await startE2eApp(adapter, EVERY_ENDPOINT);
    });
    afterAll(() => e2e.close());

    it.each(ENDPOINTS)('serves %s at its default path (RFC 6749 §3, RFC 8414 §3)', (endpoint) =>
      expectServed(e2e, endpoint, DEFAULT_PATHS[endpoint]),
    );
  });

  describe('with every path changed', () => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await startE2eApp(
        adapter,
        { issuer: 'https://as.example', ...EVERY_ENDPOINT },
        CUSTOM_PATHS,
      );
    });
    afterAll(() => e2e.close());

    it.each(ENDPOINTS)('serves %s at the path given', async (endpoint) => {
      if (endpoint === 'metadata') {
        const response = await request(e2e.server).get(CUSTOM_PATHS.metadata).expect(200);
        expect(response.body.issuer).toBe('https://as.example');
      } else {
        await expectServed(e2e, endpoint, CUSTOM_PATHS[endpoint]);
      }
    });

    it.each(ENDPOINTS)('no longer serves %s at its default path', (endpoint) =>
      expectNotRouted(e2e, endpoint, DEFAULT_PATHS[endpoint]),
    );

    it('names the new paths in the metadata (RFC 8414 §2)', async () => {
      const response = await request(e2e.server).get(CUSTOM_PATHS.metadata).expect(200);
      expect(response.body).toMatchObject({
        authorization_endpoint: 'https://as.example/v2/auth/authorize',
        token_endpoint: 'https://as.example/v2/auth/token',
        revocation_endpoint: 'https://as.example/v2/auth/revoke',
        introspection_endpoint: 'https://as.example/v2/auth/introspect',
        registration_endpoint: 'https://as.example/v2/auth/register',
      });
    });
  });

  describe.each(ENDPOINTS)('with %s set to false', (removed) => {
    let e2e: E2eApp;
    beforeAll(async () => {
      e2e = await startE2eApp(adapter, EVERY_ENDPOINT, { [removed]: false });
    });
    afterAll(() => e2e.close());

    it('answers 404 at its path', () => expectNotRouted(e2e, removed, DEFAULT_PATHS[removed]));

    it('still serves every other endpoint', async () => {
      for (const endpoint of ENDPOINTS.filter((name) => name !== removed)) {
        await expectServed(e2e, endpoint, DEFAULT_PATHS[endpoint]);
      }
    });
  });
});
