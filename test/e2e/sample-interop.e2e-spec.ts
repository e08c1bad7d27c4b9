import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { BaseClient, errors, generators, Issuer, TokenSet } from 'openid-client';
import { freePort } from '../support/redis-server';
import { connectTestRedis, deleteKeys, testPrefix, testRedisUrl } from '../support/test-redis';

/**
 * The sample as its users meet it: started the way `npm start` starts it, managed with the
 * contract's CLI, and spoken to by openid-client, an OAuth client library written elsewhere.
 */

const ROOT = join(__dirname, '..', '..');
// The first start may build the sample (scripts/run-sample.mjs), which takes a while.
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

jest.setTimeout(120_000);

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface ClientJson {
  client_id: string;
  client_secret?: string;
  client_type: string;
  redirect_urls: string[];
  name: string | null;
}

/** A page the server answered with, after its redirects within the server were followed. */
interface Page {
  readonly url: string;
  readonly status: number;
  readonly html: string;
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => HTML_ENTITIES[entity]);
}

function attributeOf(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : unescapeHtml(value);
}

function isRedirect(status: number): boolean {
  return [301, 302, 303, 307, 308].includes(status);
}

/**
 * A user agent without a browser: carries the session cookie itself and submits forms the way
 * a browser does (hidden inputs, the typed fields, and the clicked button's name and value).
 */
class FormUserAgent {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set(
        'Cookie',
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      );
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** GETs `url`, following redirects as long as they stay on the sample. */
  async open(url: string): Promise<Page> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const response = await this.request(current);
      if (!isRedirect(response.status)) {
        return { url: current, status: response.status, html: await response.text() };
      }
      current = new URL(response.headers.get('location') ?? '', current).toString();
      if (!current.startsWith(`${this.base}/`)) {
        throw new Error(`redirected away from the sample, to ${current}`);
      }
    }
    throw new Error(`more than 10 redirects from ${url}`);
  }

  /** Submits the page's form; `button` is the label of the submit button clicked, if named. */
  async submit(page: Page, fields: Record<string, string>, button?: string): Promise<Response> {
    const form = /<form\b[^>]*>/.exec(page.html)?.[0];
    if (form === undefined) throw new Error(`no form on ${page.url}`);
    expect(attributeOf(form, 'method')?.toLowerCase()).toBe('post');
    const body = new URLSearchParams();
    for (const input of page.html.match(/<input\b[^>]*>/g) ?? []) {
      const name = attributeOf(input, 'name');
      if (attributeOf(input, 'type') === 'hidden' && name !== undefined) {
        body.append(name, attributeOf(input, 'value') ?? '');
      }
    }
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    if (button !== undefined) {
      const tag = new RegExp(`<button\\b([^>]*)>\\s*${button}\\s*</button>`).exec(page.html)?.[1];
      if (tag === undefined) throw new Error(`no button labelled ${button} on ${page.url}`);
      const name = attributeOf(tag, 'name');
      if (name !== undefined) body.append(name, attributeOf(tag, 'value') ?? '');
    }
    return this.request(new URL(attributeOf(form, 'action') ?? page.url, page.url).toString(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
  }
}

function hiddenInput(page: Page, name: string): string | undefined {
  const tag = (page.html.match(/<input\b[^>]*>/g) ?? []).find(
    (input) => attributeOf(input, 'name') === name,
  );
  return tag === undefined ? undefined : attributeOf(tag, 'value');
}

/** The sample as one describe block runs it: set by its beforeAll, stopped by its afterAll. */
interface StartedSample {
  readonly base: string;
  /** The registered client's redirect URL; nothing listens there. */
  readonly redirectUri: string;
  /** The web client the CLI registered for the block. */
  readonly registered: ClientJson;
  readonly issuer: Issuer<BaseClient>;
  /** openid-client's client for `registered`, authenticating with client_secret_basic. */
  readonly client: BaseClient;
  cli(...args: string[]): Promise<CliResult>;
  /** A CLI command that must succeed: exit 0 and one JSON value on one line. */
  cliJson<T>(...args: string[]): Promise<T>;
  api(path: string, accessToken: string): Promise<Response>;
  /**
   * Signs bob in and answers the consent page with `decision` on an authorization request that
   * openid-client built; returns where the sample sends the browser back to the client.
   */
  authorizeAs(
    decision: 'Allow' | 'Deny',
    checks: { state: string; codeChallenge: string },
  ): Promise<string>;
  /** A full code flow with PKCE as bob, through openid-client: the token set. */
  codeFlow(): Promise<TokenSet>;
}

/**
 * Starts the sample the way `npm start` does, for the describe block that calls this, with
 * `settings` on top of the variables every run fixes, and registers a web client through the
 * CLI; stops the sample and deletes its keys after the block.
 */
function startedSample(settings: Readonly<Record<string, string>> = {}): StartedSample {
  const prefix = testPrefix();
  let env: NodeJS.ProcessEnv;
  let sample: ChildProcess | undefined;
  let sampleExit: Promise<number | null> | undefined;
  let sampleOutput = '';
  let base: string;
  let listening = false;
  let redirectUri: string;
  let registered: ClientJson;
  let issuer: Issuer<BaseClient>;
  let client: BaseClient;

  /** Runs `node scripts/run-sample.mjs ENTRY ...`, the script behind `npm start` and `npm run cli`. */
  function runSample(entry: 'main' | 'cli', args: readonly string[] = []): ChildProcess {
    return spawn(process.execPath, ['scripts/run-sample.mjs', entry, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  function cli(...args: string[]): Promise<CliResult> {
    const child = runSample('cli', args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function cliJson<T>(...args: string[]): Promise<T> {
    const result = await cli(...args);
    if (result.code !== 0) {
      throw new Error(
        `cli ${args.join(' ')} exited with ${result.code}\nstderr: ${result.stderr}\nstdout: ${result.stdout}`,
      );
    }
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]) as T;
  }

  async function startSample(): Promise<string> {
    const child = runSample('main');
    sample = child;
    sampleExit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`the sample did not start within ${START_TIMEOUT_MS} ms:\n${sampleOutput}`),
        );
      }, START_TIMEOUT_MS);
      const onOutput = (chunk: Buffer): void => {
        sampleOutput += chunk.toString();
        const listening = /oauthist sample listening on (http:\/\/\S+)/.exec(sampleOutput);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', (chunk: Buffer) => (sampleOutput += chunk.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`the sample exited (${code ?? signal}) before listening:\n${sampleOutput}`),
        );
      });
    });
  }

  async function stopSample(): Promise<number | null> {
    if (!sample || !sampleExit) return null;
    if (sample.exitCode === null && sample.signalCode === null) sample.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      sampleExit,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (stopped === 'timeout') {
      sample.kill('SIGKILL');
      await sampleExit;
      throw new Error(`the sample did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
    }
    return stopped;
  }

  beforeAll(async () => {
    const port = await freePort();
    const callbackPort = await freePort();
    // Settings of the surrounding shell would change what the sample serves (a cluster takes
    // precedence over REDIS_URL): this test fixes every variable it relies on.
    const unset = new Set([
      'REDIS_CLUSTER_NODES',
      'OAUTHIST_ISSUER',
      'OAUTHIST_SCOPES',
      'OAUTHIST_CODE_TTL',
      'OAUTHIST_ACCESS_TOKEN_TTL',
      'OAUTHIST_REFRESH_TOKEN_TTL',
      'OAUTHIST_REFRESH_REUSE_GRACE',
    ]);
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !unset.has(name)),
    );
    env = {
      ...inherited,
      REDIS_URL: testRedisUrl(),
      OAUTHIST_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      SAMPLE_USERS: 'bob:builder',
      ...settings,
    };
    base = await startSample();
    listening = true;
    expect(base).toBe(`http://127.0.0.1:${port}`);

    // Nothing listens there: the test reads the redirect instead of following it.
    redirectUri = `http://127.0.0.1:${callbackPort}/cb`;
    registered = await cliJson<ClientJson>(
      'client',
      'create',
      '--type',
      'web',
      '--redirect-url',
      redirectUri,
      '--name',
      'Interop',
    );

    issuer = await Issuer.discover(`${base}/.well-known/oauth-authorization-server`);
    client = new issuer.Client({
      client_id: registered.client_id,
      client_secret: registered.client_secret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    const exitCode = await stopSample();
    const redis = connectTestRedis();
    try {
      await deleteKeys(redis, prefix);
    } finally {
      redis.disconnect();
    }
    // SIGTERM is a clean shutdown: the app and Redis closed, exit status 0. A sample that never
    // listened already failed beforeAll with its output.
    if (listening) expect(exitCode).toBe(0);
  });

  function api(path: string, accessToken: string): Promise<Response> {
    return fetch(new URL(path, base), { headers: { Authorization: `Bearer ${accessToken}` } });
  }

  async function authorizeAs(
    decision: 'Allow' | 'Deny',
    checks: { state: string; codeChallenge: string },
  ): Promise<string> {
    const agent = new FormUserAgent(base);
    const authorizationUrl = client.authorizationUrl({
      scope: 'profile',
      state: checks.state,
      code_challenge: checks.codeChallenge,
      code_challenge_method: 'S256',
    });
    expect(authorizationUrl.startsWith(`${base}/oauth/authorize?`)).toBe(true);

    const login = await agent.open(authorizationUrl);
    expect({ path: new URL(login.url).pathname, status: login.status }).toEqual({
      path: '/login',
      status: 200,
    });
    expect(hiddenInput(login, '_csrf')).toEqual(expect.any(String));
    const signedIn = await agent.submit(login, { username: 'bob', password: 'builder' });
    expect(isRedirect(signedIn.status)).toBe(true);

    const consent = await agent.open(
      new URL(signedIn.headers.get('location') ?? '', base).toString(),
    );
    expect({ path: new URL(consent.url).pathname, status: consent.status }).toEqual({
      path: '/consent',
      status: 200,
    });
    expect(consent.html).toContain('Interop');
    expect(consent.html).toContain('profile');
    expect(hiddenInput(consent, '_csrf')).toEqual(expect.any(String));
    expect(hiddenInput(consent, 'request_id')).toEqual(expect.any(String));

    const answered = await agent.submit(consent, {}, decision);
    expect(isRedirect(answered.status)).toBe(true);
    const location = answered.headers.get('location') ?? '';
    expect(location.startsWith(`${redirectUri}?`)).toBe(true);
    return location;
  }

  async function codeFlow(): Promise<TokenSet> {
    const state = generators.state();
    const codeVerifier = generators.codeVerifier();
    const location = await authorizeAs('Allow', {
      state,
      codeChallenge: generators.codeChallenge(codeVerifier),
    });
    const tokenSet = await client.oauthCallback(redirectUri, client.callbackParams(location), {
      state,
      code_verifier: codeVerifier,
    });
    expect(tokenSet.token_type?.toLowerCase()).toBe('bearer');
    expect(tokenSet.scope).toBe('profile');
    return tokenSet;
  }

  return {
    get base() {
      return base;
    },
    get redirectUri() {
      return redirectUri;
    },
    get registered() {
      return registered;
    },
    get issuer() {
      return issuer;
    },
    get client() {
      return client;
    },
    cli,
    cliJson,
    api,
    authorizeAs,
    codeFlow,
  };
}

function accessTokenOf(tokenSet: TokenSet): string {
  if (tokenSet.access_token === undefined) throw new Error('no access_token in the token set');
  return tokenSet.access_token;
}

function refreshTokenOf(tokenSet: TokenSet): string {
  if (tokenSet.refresh_token === undefined) throw new Error('no refresh_token in the token set');
  return tokenSet.refresh_token;
}

/** The error openid-client threw for `call`, which must be an error response of the server. */
async function opErrorOf(call: Promise<unknown>): Promise<errors.OPError> {
  const failure = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(errors.OPError);
  return failure as errors.OPError;
}

describe('the sample started like `npm start`, with openid-client and the CLI', () => {
  const sample = startedSample();
  const { cli, cliJson, api } = sample;

  /** A full code flow with PKCE as bob, through openid-client: the access token. */
  async function codeFlowToken(): Promise<string> {
    return accessTokenOf(await sample.codeFlow());
  }

  it('publishes metadata that openid-client discovers', () => {
    const { base } = sample;
    expect(sample.issuer.metadata).toMatchObject({
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      introspection_endpoint: `${base}/oauth/introspect`,
      code_challenge_methods_supported: expect.arrayContaining(['S256']),
      grant_types_supported: expect.arrayContaining(['authorization_code', 'client_credentials']),
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic']),
    });
  });

  it('lists no refresh_token grant without OAUTHIST_REFRESH_TOKEN_TTL (RFC 8414 §2)', () => {
    const grantTypes = sample.issuer.metadata.grant_types_supported;
    expect(grantTypes).toContain('authorization_code');
    expect(grantTypes).not.toContain('refresh_token');
  });

  it('hands openid-client no refresh_token without OAUTHIST_REFRESH_TOKEN_TTL', async () => {
    const tokenSet = await sample.codeFlow();
    expect(tokenSet.access_token).toEqual(expect.any(String));
    expect(tokenSet.refresh_token).toBeUndefined();
  });

  it('registers a web client through the CLI, which get and list show without its secret', async () => {
    const { registered, redirectUri } = sample;
    expect(registered).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      client_type: 'web',
      redirect_urls: [redirectUri],
      name: 'Interop',
    });

    const shown = await cliJson<ClientJson>('client', 'get', registered.client_id);
    expect(shown).toMatchObject({
      client_id: registered.client_id,
      client_type: 'web',
      redirect_urls: [redirectUri],
      name: 'Interop',
    });
    expect(shown).not.toHaveProperty('client_secret');

    const listed = await cliJson<ClientJson[]>('client', 'list', '--attr', 'name=Interop');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ client_id: registered.client_id, name: 'Interop' });
    expect(listed[0]).not.toHaveProperty('client_secret');
  });

  it('runs the code flow with PKCE for bob, then introspects and revokes the token', async () => {
    const { client, registered } = sample;
    const accessToken = await codeFlowToken();

    const me = await api('/api/me', accessToken);
    expect(me.status).toBe(200);
    await expect(me.json()).resolves.toMatchObject({
      user_id: 'bob',
      client_id: registered.client_id,
      scope: 'profile',
    });

    await expect(client.introspect(accessToken)).resolves.toMatchObject({
      active: true,
      sub: 'bob',
      client_id: registered.client_id,
      scope: 'profile',
    });

    await expect(client.revoke(accessToken)).resolves.toBeUndefined();
    const refused = await api('/api/me', accessToken);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await expect(client.introspect(accessToken)).resolves.toEqual({ active: false });
  });

  it('hands openid-client an access_denied error, with state and iss, when bob denies', async () => {
    const { client, redirectUri } = sample;
    const state = generators.state();
    const location = await sample.authorizeAs('Deny', {
      state,
      codeChallenge: generators.codeChallenge(generators.codeVerifier()),
    });
    const failure = await opErrorOf(
      client.oauthCallback(redirectUri, client.callbackParams(location), { state }),
    );
    expect(failure.error).toBe('access_denied');
  });

  it('issues client credentials tokens that pass only routes of their scope', async () => {
    const { client, registered } = sample;
    const tokenSet = await client.grant({ grant_type: 'client_credentials', scope: 'admin' });
    expect(tokenSet.scope).toBe('admin');
    const accessToken = tokenSet.access_token ?? '';

    const admin = await api('/api/admin', accessToken);
    expect(admin.status).toBe(200);
    await expect(admin.json()).resolves.toMatchObject({
      client_id: registered.client_id,
      scope: 'admin',
    });

    const me = await api('/api/me', accessToken);
    expect(me.status).toBe(403);
    expect(me.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    await expect(me.json()).resolves.toMatchObject({ error: 'insufficient_scope' });
  });

  it("revokes bob's grant to the client through the CLI", async () => {
    const { registered } = sample;
    // Whatever earlier tests left of bob's tokens goes first, so that the count below is exact.
    const before = await cliJson<{ revoked: number }>(
      'grant',
      'revoke',
      '--user',
      'bob',
      '--client',
      registered.client_id,
    );
    expect(before.revoked).toBeGreaterThanOrEqual(0);

    const accessToken = await codeFlowToken();
    expect((await api('/api/me', accessToken)).status).toBe(200);
    await expect(
      cliJson('grant', 'revoke', '--user', 'bob', '--client', registered.client_id),
    ).resolves.toEqual({ revoked: 1 });
    expect((await api('/api/me', accessToken)).status).toBe(401);
  });

  it('revokes a single token through the CLI, once', async () => {
    const tokenSet = await sample.client.grant({
      grant_type: 'client_credentials',
      scope: 'admin',
    });
    const accessToken = tokenSet.access_token ?? '';
    expect((await api('/api/admin', accessToken)).status).toBe(200);

    await expect(cliJson('token', 'revoke', accessToken)).resolves.toEqual({ revoked: true });
    expect((await api('/api/admin', accessToken)).status).toBe(401);
    await expect(cliJson('token', 'revoke', accessToken)).resolves.toEqual({ revoked: false });
  });

  it('deletes the client through the CLI, after which it is gone for the CLI and the server', async () => {
    const { client, registered } = sample;
    await expect(cliJson('client', 'delete', registered.client_id)).resolves.toEqual({
      deleted: true,
    });

    const missing = await cli('client', 'get', registered.client_id);
    // Exit 2 and exactly one line on stderr: the caller asked for something that is not there.
    expect({
      code: missing.code,
      stdout: missing.stdout,
      stderr: missing.stderr.split('\n'),
    }).toEqual({ code: 2, stdout: '', stderr: [expect.stringMatching(/\S/), ''] });

    await expect(cliJson('client', 'list', '--attr', 'name=Interop')).resolves.toEqual([]);
    const refused = await opErrorOf(
      client.grant({ grant_type: 'client_credentials', scope: 'admin' }),
    );
    expect(refused.error).toBe('invalid_client');
  });
});

describe('refresh tokens of the sample started with OAUTHIST_REFRESH_TOKEN_TTL, with openid-client', () => {
  const sample = startedSample({ OAUTHIST_REFRESH_TOKEN_TTL: '3600' });

  /** bob's code flow, which must have brought a refresh token. */
  async function codeFlowWithRefreshToken(): Promise<TokenSet> {
    const tokenSet = await sample.codeFlow();
    expect(tokenSet.refresh_token).toEqual(expect.any(String));
    return tokenSet;
  }

  /** What /api/me answers for `tokenSet`'s access token: its status, and who it says asks. */
  async function me(tokenSet: TokenSet): Promise<{ status: number; body: unknown }> {
    const response = await sample.api('/api/me', accessTokenOf(tokenSet));
    const text = await response.text();
    return { status: response.status, body: response.status === 200 ? JSON.parse(text) : text };
  }

  it('lists refresh_token in grant_types_supported (RFC 8414 §2)', () => {
    expect(sample.issuer.metadata.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token']),
    );
  });

  it('hands openid-client a refresh_token with the code, which refreshes to a new pair that /api/me takes (RFC 6749 §6)', async () => {
    const first = await codeFlowWithRefreshToken();

    const renewed = await sample.client.refresh(refreshTokenOf(first));
    expect(renewed.token_type?.toLowerCase()).toBe('bearer');
    expect(renewed.access_token).toEqual(expect.any(String));
    expect(renewed.access_token).not.toBe(first.access_token);
    // Rotated: a refresh token of its own, never the one presented.
    expect(renewed.refresh_token).toEqual(expect.any(String));
    expect(renewed.refresh_token).not.toBe(first.refresh_token);

    await expect(me(renewed)).resolves.toEqual({
      status: 200,
      body: expect.objectContaining({
        user_id: 'bob',
        client_id: sample.registered.client_id,
        scope: 'profile',
      }),
    });
    // The new pair refreshes in turn.
    const again = await sample.client.refresh(refreshTokenOf(renewed));
    expect((await me(again)).status).toBe(200);
  });

  it('refuses the rotated-out refresh token with invalid_grant and revokes its family (RFC 9700 §4.14.2)', async () => {
    const first = await codeFlowWithRefreshToken();
    const renewed = await sample.client.refresh(refreshTokenOf(first));
    expect((await me(renewed)).status).toBe(200);

    const replayed = await opErrorOf(sample.client.refresh(refreshTokenOf(first)));
    expect(replayed.error).toBe('invalid_grant');

    const refused = await sample.api('/api/me', accessTokenOf(renewed));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // Everything descended from that authorization ends: the first access token, and the
    // refresh token the legitimate client holds now.
    expect((await me(first)).status).toBe(401);
    const next = await opErrorOf(sample.client.refresh(refreshTokenOf(renewed)));
    expect(next.error).toBe('invalid_grant');
  });

  it('revokes a refresh token through openid-client, after which it is invalid_grant (RFC 7009 §2.1)', async () => {
    const tokenSet = await codeFlowWithRefreshToken();
    await expect(sample.client.revoke(refreshTokenOf(tokenSet))).resolves.toBeUndefined();
    const refused = await opErrorOf(sample.client.refresh(refreshTokenOf(tokenSet)));
    expect(refused.error).toBe('invalid_grant');
    // The access tokens of the same authorization go with it.
    expect((await me(tokenSet)).status).toBe(401);
  });

  it('hands out no refresh_token with client credentials (RFC 6749 §4.4.3)', async () => {
    const tokenSet = await sample.client.grant({
      grant_type: 'client_credentials',
      scope: 'admin',
    });
    expect(tokenSet.access_token).toEqual(expect.any(String));
    expect(tokenSet.refresh_token).toBeUndefined();
  });
});

describe('refresh tokens of the sample started with OAUTHIST_REFRESH_REUSE_GRACE, with openid-client', () => {
  const sample = startedSample({
    OAUTHIST_REFRESH_TOKEN_TTL: '3600',
    OAUTHIST_REFRESH_REUSE_GRACE: '30',
  });

  it('gives a fresh pair for the previous refresh token presented again right after a rotation', async () => {
    const first = await sample.codeFlow();
    const lost = await sample.client.refresh(refreshTokenOf(first));
    // The client never saw that answer (a dropped connection) and tries again.
    const retried = await sample.client.refresh(refreshTokenOf(first));
    expect(retried.access_token).toEqual(expect.any(String));
    expect(retried.access_token).not.toBe(lost.access_token);
    expect(retried.refresh_token).toEqual(expect.any(String));
    expect(retried.refresh_token).not.toBe(lost.refresh_token);

    // No reuse was detected: nothing of the authorization was revoked.
    for (const tokenSet of [retried, lost]) {
      expect((await sample.api('/api/me', accessTokenOf(tokenSet))).status).toBe(200);
    }
    const next = await sample.client.refresh(refreshTokenOf(retried));
    expect((await sample.api('/api/me', accessTokenOf(next))).status).toBe(200);
  });
});
