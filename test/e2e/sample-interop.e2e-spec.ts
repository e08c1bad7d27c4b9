import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { BaseClient, errors, generators, Issuer } from 'openid-client';
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

describe('the sample started like `npm start`, with openid-client and the CLI', () => {
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

  /** A CLI command that must succeed: exit 0 and one JSON value on one line. */
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

  /**
   * Signs bob in and answers the consent page with `decision` on an authorization request that
   * openid-client built; returns where the sample sends the browser back to the client.
   */
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

  /** A full code flow with PKCE as bob, through openid-client: the access token. */
  async function codeFlowToken(): Promise<string> {
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
    if (tokenSet.access_token === undefined) throw new Error('no access_token in the token set');
    return tokenSet.access_token;
  }

  it('publishes metadata that openid-client discovers', () => {
    expect(issuer.metadata).toMatchObject({
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

  it('registers a web client through the CLI, which get and list show without its secret', async () => {
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
    const state = generators.state();
    const location = await authorizeAs('Deny', {
      state,
      codeChallenge: generators.codeChallenge(generators.codeVerifier()),
    });
    const failure = await client
      .oauthCallback(redirectUri, client.callbackParams(location), { state })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(errors.OPError);
    expect((failure as errors.OPError).error).toBe('access_denied');
  });

  it('issues client credentials tokens that pass only routes of their scope', async () => {
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
    const tokenSet = await client.grant({ grant_type: 'client_credentials', scope: 'admin' });
    const accessToken = tokenSet.access_token ?? '';
    expect((await api('/api/admin', accessToken)).status).toBe(200);

    await expect(cliJson('token', 'revoke', accessToken)).resolves.toEqual({ revoked: true });
    expect((await api('/api/admin', accessToken)).status).toBe(401);
    await expect(cliJson('token', 'revoke', accessToken)).resolves.toEqual({ revoked: false });
  });

  it('deletes the client through the CLI, after which it is gone for the CLI and the server', async () => {
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
    const refused = await client
      .grant({ grant_type: 'client_credentials', scope: 'admin' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(errors.OPError);
    expect((refused as errors.OPError).error).toBe('invalid_client');
  });
});
