import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { FormUserAgent, hiddenInput, isRedirect } from '../support/form-user-agent';
import { freePort } from '../support/redis-server';
import {
  RunningSample,
  SAMPLE_START_TIMEOUT_MS,
  sampleEnvWith,
  startSampleServer,
} from '../support/sample-process';
import { connectTestRedis, deleteKeys, testPrefix, testRedisUrl } from '../support/test-redis';

/**
 * The sample as an MCP server, signed in to by the official MCP TypeScript SDK's client, cold:
 * from the first 401 through discovery, registration (a Client ID Metadata Document, or RFC 7591
 * dynamic registration), PKCE authorization with the user's consent, a tool call, the access
 * token's expiry and a refresh, as Claude, ChatGPT or VS Code would do it.
 */

jest.setTimeout(120_000);

const ACCESS_TOKEN_TTL = 4;
const TLS = join(__dirname, '..', 'fixtures', 'tls');

/** One request the MCP client made: method and path, and the form's grant_type if any. */
interface Call {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly grantType?: string;
}

/**
 * An OAuth client provider kept in memory, as an MCP host keeps one per server. It "redirects"
 * by remembering the URL, which the test then opens as the user's browser would.
 */
class MemoryOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  private information: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = '';

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadataUrl?: string,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP end-to-end client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }
}

/** The whoami tool's answer. */
interface WhoAmI {
  user_id: string | null;
  client_id: string | null;
  scope: string;
}

describe('the sample as an MCP server, signed in to by the official MCP SDK client', () => {
  const prefix = testPrefix();
  let sample: RunningSample | undefined;
  let base: string;
  let redirectUrl: string;
  let documents: Server;
  let documentUrl: string;
  let documentFetches = 0;
  const calls: Call[] = [];

  /** fetch for the SDK, recording each request to the sample. */
  const recordingFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const response = await fetch(url, init);
    const body = init?.body instanceof URLSearchParams ? init.body : undefined;
    calls.push({
      method: init?.method ?? 'GET',
      path: new URL(url).pathname,
      status: response.status,
      grantType: body?.get('grant_type') ?? undefined,
    });
    return response;
  };

  beforeAll(async () => {
    const port = await freePort();
    redirectUrl = `http://127.0.0.1:${await freePort()}/callback`;

    // The client's metadata document, on loopback over https with a certificate the sample is
    // told to trust, as the SDK only uses https client ids.
    documents = createServer(
      {
        key: readFileSync(join(TLS, 'loopback.key')),
        cert: readFileSync(join(TLS, 'loopback.crt')),
      },
      (request, response) => {
        documentFetches++;
        if (request.url !== '/clients/mcp-e2e.json') {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, {
          'Content-Type': 'application/json',
          'Cache-Control': 'max-age=3600',
        });
        response.end(
          JSON.stringify({
            client_id: documentUrl,
            client_name: 'MCP end-to-end client',
            redirect_uris: [redirectUrl],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          }),
        );
      },
    );
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    documentUrl = `https://127.0.0.1:${(documents.address() as AddressInfo).port}/clients/mcp-e2e.json`;

    sample = await startSampleServer(
      sampleEnvWith({
        REDIS_URL: testRedisUrl(),
        OAUTHIST_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        SAMPLE_USERS: 'mia:wonderland',
        OAUTHIST_ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL),
        OAUTHIST_REFRESH_TOKEN_TTL: '3600',
        OAUTHIST_CIMD_ALLOW_LOOPBACK: '1',
        NODE_EXTRA_CA_CERTS: join(TLS, 'loopback.crt'),
      }),
    );
    base = sample.base;
  }, SAMPLE_START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    const exitCode = (await sample?.stop()) ?? null;
    await new Promise((resolve) => documents?.close(resolve));
    const redis = connectTestRedis();
    try {
      await deleteKeys(redis, prefix);
    } finally {
      redis.disconnect();
    }
    if (sample) expect(exitCode).toBe(0);
  });

  function mcpTransport(provider: MemoryOAuthProvider): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(new URL('/mcp', base), {
      authProvider: provider,
      fetch: recordingFetch,
    });
  }

  /**
   * mia signs in and allows the client on the pages the authorization URL leads to; the code
   * the sample sends back to the client's redirect URL. The consent page is returned too.
   */
  async function consentAsMia(authorizationUrl: URL): Promise<{ code: string; consent: string }> {
    const agent = new FormUserAgent(base);
    const login = await agent.open(authorizationUrl.toString());
    expect(new URL(login.url).pathname).toBe('/login');
    const signedIn = await agent.submit(login, { username: 'mia', password: 'wonderland' });
    expect(isRedirect(signedIn.status)).toBe(true);
    const consent = await agent.open(new URL(signedIn.headers.get('location') ?? '', base).href);
    expect(new URL(consent.url).pathname).toBe('/consent');
    expect(hiddenInput(consent, 'request_id')).toEqual(expect.any(String));
    const answered = await agent.submit(consent, {}, 'Allow');
    expect(isRedirect(answered.status)).toBe(true);
    const back = new URL(answered.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(redirectUrl);
    // RFC 9207: the response names the issuer, so that a client with several servers can tell.
    expect(back.searchParams.get('iss')).toBe(base);
    const code = back.searchParams.get('code');
    if (code === null) throw new Error(`no code in ${back.href}`);
    return { code, consent: consent.html };
  }

  async function whoami(client: Client): Promise<WhoAmI> {
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.isError).toBeFalsy();
    return result.structuredContent as unknown as WhoAmI;
  }

  /** From cold to a connected MCP client, through the SDK's own OAuth flow. */
  async function signIn(
    provider: MemoryOAuthProvider,
  ): Promise<{ client: Client; consent: string }> {
    const cold = new Client({ name: 'oauthist-e2e', version: '1.0.0' });
    const failure = await cold.connect(mcpTransport(provider)).catch((error: unknown) => error);
    if (!(failure instanceof UnauthorizedError))
      throw new Error(
        `the first connect did not ask for authorization: ${String(failure)}\n${JSON.stringify(calls)}`,
      );
    const authorizationUrl = provider.authorizationUrl;
    if (authorizationUrl === undefined) throw new Error('the SDK did not start an authorization');
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(
      `${base}/oauth/authorize`,
    );
    // RFC 7636 S256 and RFC 8707: the SDK binds the request to the resource it is for.
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('resource')).toBe(`${base}/mcp`);

    const { code, consent } = await consentAsMia(authorizationUrl);
    const finishing = mcpTransport(provider);
    await finishing.finishAuth(code);
    const client = new Client({ name: 'oauthist-e2e', version: '1.0.0' });
    await client.connect(mcpTransport(provider));
    return { client, consent };
  }

  /** The tokens' expiry and a refresh: the SDK refreshes on the 401 and calls again. */
  async function expectRefreshAfterExpiry(
    client: Client,
    provider: MemoryOAuthProvider,
  ): Promise<WhoAmI> {
    const before = provider.tokens();
    expect(before?.refresh_token).toEqual(expect.any(String));
    await new Promise((resolve) => setTimeout(resolve, (ACCESS_TOKEN_TTL + 1) * 1000));
    const expired = await fetch(new URL('/mcp', base), {
      method: 'POST',
      headers: { Authorization: `Bearer ${before?.access_token}` },
    });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const mark = calls.length;
    const again = await whoami(client);
    const after = provider.tokens();
    expect(after?.access_token).not.toBe(before?.access_token);
    // The sample rotates refresh tokens on every use (RFC 9700 section 4.14.2).
    expect(after?.refresh_token).not.toBe(before?.refresh_token);
    expect(calls.slice(mark)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', path: '/mcp', status: 401 }),
        expect.objectContaining({
          method: 'POST',
          path: '/oauth/token',
          grantType: 'refresh_token',
          status: 200,
        }),
        expect.objectContaining({ method: 'POST', path: '/mcp', status: 200 }),
      ]),
    );
    return again;
  }

  it('signs in through a Client ID Metadata Document served on loopback, calls whoami, refreshes and calls again', async () => {
    calls.length = 0;
    const provider = new MemoryOAuthProvider(redirectUrl, documentUrl);
    const { client, consent } = await signIn(provider);
    try {
      // Cold: a 401 naming the resource metadata, then RFC 9728 and RFC 8414 discovery, and no
      // registration, as the client id is the document's URL.
      expect(calls.slice(0, 3)).toEqual([
        expect.objectContaining({ method: 'POST', path: '/mcp', status: 401 }),
        expect.objectContaining({ path: '/.well-known/oauth-protected-resource/mcp', status: 200 }),
        expect.objectContaining({ path: '/.well-known/oauth-authorization-server', status: 200 }),
      ]);
      expect(calls.some((call) => call.path === '/oauth/register')).toBe(false);
      expect(provider.clientInformation()?.client_id).toBe(documentUrl);
      // The consent page names where the client's metadata came from.
      expect(consent).toContain('127.0.0.1');
      expect(consent).toContain('MCP end-to-end client');

      const first = await whoami(client);
      expect(first).toEqual({ user_id: 'mia', client_id: documentUrl, scope: expect.any(String) });
      expect(first.scope.split(' ')).toContain('profile');

      expect(await expectRefreshAfterExpiry(client, provider)).toEqual(first);
      // A known document costs no fetch: the authorization and both token requests read it
      // from Redis after the first fetch.
      expect(documentFetches).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('signs in through dynamic registration (RFC 7591), calls whoami, refreshes and calls again', async () => {
    calls.length = 0;
    const provider = new MemoryOAuthProvider(redirectUrl);
    const { client } = await signIn(provider);
    try {
      expect(calls).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ method: 'POST', path: '/oauth/register', status: 201 }),
        ]),
      );
      const registered = provider.clientInformation()?.client_id;
      expect(registered).toEqual(expect.any(String));
      expect(registered).not.toBe(documentUrl);

      const first = await whoami(client);
      expect(first).toEqual({ user_id: 'mia', client_id: registered, scope: expect.any(String) });
      expect(await expectRefreshAfterExpiry(client, provider)).toEqual(first);
    } finally {
      await client.close();
    }
  });

  it('refuses a token bound to ISSUER/mcp at /api/me with invalid_token (RFC 8707 section 2)', async () => {
    const provider = new MemoryOAuthProvider(redirectUrl);
    const { client } = await signIn(provider);
    await client.close();
    const accessToken = provider.tokens()?.access_token;
    const refused = await fetch(new URL('/api/me', base), {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(refused.status).toBe(401);
    const challenge = refused.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain('issued for another resource');
    expect(challenge).toContain(
      `resource_metadata="${base}/.well-known/oauth-protected-resource/api"`,
    );
  });
});
