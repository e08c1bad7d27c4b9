import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ClientService,
  GrantService,
  OAuthError,
  OAuthResponse,
  RegisteredClient,
} from '../../lib';
import { errorOf, obtainCode } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';

const JSON_NO_STORE = {
  'Content-Type': 'application/json;charset=UTF-8',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
};

/** Serves `response` once over real HTTP and returns what a client receives. */
async function overHttp(
  response: OAuthResponse,
): Promise<{ status: number; headers: Headers; body: string }> {
  const server: Server = createServer((_, res) => response.writeTo(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const reply = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', redirect: 'manual' });
    return { status: reply.status, headers: reply.headers, body: await reply.text() };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Records what oauthist does to a Fastify-like reply. */
function fastifyLikeReply() {
  const calls: unknown[][] = [];
  const reply = {
    code(status: number) {
      calls.push(['code', status]);
      return reply;
    },
    header(name: string, value: string) {
      calls.push(['header', name, value]);
      return reply;
    },
    send(body?: string) {
      calls.push(['send', body]);
      return reply;
    },
  };
  return { reply, calls };
}

describe('token endpoint responses (RFC 6749 §5.1, §5.2)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let web: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ accessTokenTtl: 120, scopes: ['profile'] });
    grants = fixture.module.get(GrantService);
    web = await fixture.module.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
  });

  afterEach(() => fixture.close());

  async function issuedResponse(): Promise<{ response: OAuthResponse; accessToken: string }> {
    const code = await obtainCode(grants, web, { scope: 'profile' });
    const issued = await (
      await grants.codeExchangeRequest({ code, client_id: web.id, client_secret: web.secret })
    ).exchangeForToken();
    return { response: issued.toResponse(), accessToken: issued.accessToken };
  }

  async function invalidClientError(): Promise<OAuthError> {
    return errorOf(await grants.clientCredentialsRequest({ client_id: web.id }));
  }

  it('a token response: 200, JSON, no-store, no-cache (RFC 6749 §5.1)', async () => {
    const { response, accessToken } = await issuedResponse();
    expect(response.status).toBe(200);
    expect(response.headers).toEqual(JSON_NO_STORE);
    expect(JSON.parse(response.body)).toEqual({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 120,
      scope: 'profile',
    });
    expect(response.getCode()).toBe(200);
    expect(response.getHeaders()).toBe(response.headers);
    expect(response.getBody()).toBe(response.body);
  });

  it('a token response without a TTL has no expires_in', async () => {
    const eternal = await createOAuthistFixture();
    try {
      const client = await eternal.module.get(ClientService).create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      const issued = await (
        await eternal.module
          .get(GrantService)
          .clientCredentialsRequest({ client_id: client.id, client_secret: client.secret })
      ).exchangeForToken();
      expect(JSON.parse(issued.toResponse().body)).toEqual({
        access_token: issued.accessToken,
        token_type: 'Bearer',
      });
    } finally {
      await eternal.close();
    }
  });

  it.each([
    ['invalid_request', { client_id: 'x', client_secret: 'y', grant_type: 'authorization_code' }],
    ['unsupported_grant_type', { grant_type: 'urn:example:foo' }],
  ])('an error response: %s with 400 (RFC 6749 §5.2)', async (code, parameters) => {
    const request = await grants.tokenRequest(parameters);
    const response = errorOf(request).toResponse();
    expect(response.status).toBe(400);
    expect(response.headers).toEqual(JSON_NO_STORE);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe(code);
    expect(await request.respond()).toEqual(response);
  });

  it('an invalid_grant response is 400 (RFC 6749 §5.2)', async () => {
    const request = await grants.codeExchangeRequest({
      code: `${'A'.repeat(16)}.${'B'.repeat(43)}`,
      client_id: web.id,
      client_secret: web.secret,
    });
    const response = await request.respond();
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_grant' });
  });

  it('an invalid_client response is 401 with WWW-Authenticate (RFC 6749 §5.2)', async () => {
    const response = (await invalidClientError()).toResponse();
    expect(response.status).toBe(401);
    expect(response.headers).toEqual({
      ...JSON_NO_STORE,
      'WWW-Authenticate': expect.stringMatching(/^Basic realm="[^"]*"/),
    });
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_client' });
  });

  describe('writeTo()', () => {
    it('writes a token response to a real Node ServerResponse', async () => {
      const { response, accessToken } = await issuedResponse();
      const received = await overHttp(response);
      expect(received.status).toBe(200);
      expect(received.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(received.headers.get('cache-control')).toBe('no-store');
      expect(received.headers.get('pragma')).toBe('no-cache');
      expect(JSON.parse(received.body)).toMatchObject({ access_token: accessToken });
    });

    it('writes an error response with its challenge to a real Node ServerResponse', async () => {
      const received = await overHttp((await invalidClientError()).toResponse());
      expect(received.status).toBe(401);
      expect(received.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(received.headers.get('cache-control')).toBe('no-store');
      expect(JSON.parse(received.body)).toMatchObject({ error: 'invalid_client' });
    });

    it('writes a redirect to a real Node ServerResponse', async () => {
      const received = await overHttp(OAuthResponse.redirect('https://client.example/cb?code=x'));
      expect(received.status).toBe(302);
      expect(received.headers.get('location')).toBe('https://client.example/cb?code=x');
    });

    it('writes to a Fastify-like reply through code(), header() and send()', async () => {
      const { response } = await issuedResponse();
      const { reply, calls } = fastifyLikeReply();
      response.writeTo(reply);
      expect(calls).toEqual([
        ['code', 200],
        ['header', 'Content-Type', 'application/json;charset=UTF-8'],
        ['header', 'Cache-Control', 'no-store'],
        ['header', 'Pragma', 'no-cache'],
        ['send', response.body],
      ]);
    });

    it('writes an error to a Fastify-like reply', async () => {
      const error = await invalidClientError();
      const { reply, calls } = fastifyLikeReply();
      error.toResponse().writeTo(reply);
      expect(calls[0]).toEqual(['code', 401]);
      expect(calls).toContainEqual([
        'header',
        'WWW-Authenticate',
        error.headers['WWW-Authenticate'],
      ]);
      expect(calls.at(-1)).toEqual(['send', JSON.stringify(error.toJSON())]);
    });
  });
});
