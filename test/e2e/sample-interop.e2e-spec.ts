import { BaseClient, errors, generators, Issuer, TokenSet } from 'openid-client';
import { FormUserAgent, hiddenInput, isRedirect } from '../support/form-user-agent';
import { freePort } from '../support/redis-server';
import {
  RunningSample,
  SAMPLE_START_TIMEOUT_MS,
  sampleEnvWith,
  spawnSample,
  startSampleServer,
} from '../support/sample-process';
import { connectTestRedis, deleteKeys, testPrefix, testRedisUrl } from '../support/test-redis';

/**
 * The sample as its users meet it: started the way `npm start` starts it, managed with the
 * contract's CLI, and spoken to by openid-client, an OAuth client library written elsewhere.
 */

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
  let sample: RunningSample | undefined;
  let base: string;
  let listening = false;
  let redirectUri: string;
  let registered: ClientJson;
  let issuer: Issuer<BaseClient>;
  let client: BaseClient;

  function cli(...args: string[]): Promise<CliResult> {
    const child = spawnSample('cli', args, env);
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

  beforeAll(async () => {
    const port = await freePort();
    const callbackPort = await freePort();
    env = sampleEnvWith({
      REDIS_URL: testRedisUrl(),
      OAUTHIST_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      SAMPLE_USERS: 'bob:builder',
      ...settings,
    });
    sample = await startSampleServer(env);
    base = sample.base;
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
  }, SAMPLE_START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    const exitCode = (await sample?.stop()) ?? null;
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
      // The sample remembers consent: asked for, the page shows even when bob allowed before.
      prompt: 'consent',
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

  it("remembers bob's consent: openid-client's next authorization comes straight back with a code, `grant list` shows it, and after `grant revoke` the sample asks again", async () => {
    const { base, client, registered, redirectUri } = sample;
    await codeFlowToken();
    const listed = await cliJson<{ client_id: string }[]>('grant', 'list', '--user', 'bob');
    expect(listed.filter((grant) => grant.client_id === registered.client_id)).toEqual([
      {
        client_id: registered.client_id,
        scope: 'profile',
        granted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        last_issued_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);

    const again = (state: string, verifier: string): string =>
      client.authorizationUrl({
        scope: 'profile',
        state,
        code_challenge: generators.codeChallenge(verifier),
        code_challenge_method: 'S256',
      });
    const agent = new FormUserAgent(base);
    const state = generators.state();
    const verifier = generators.codeVerifier();
    const login = await agent.open(again(state, verifier));
    expect(new URL(login.url).pathname).toBe('/login');
    const signedIn = await agent.submit(login, { username: 'bob', password: 'builder' });
    // Signed in, bob is sent back to the consent URL, which answers the client at once.
    const location = await agent.leaveFrom(
      new URL(signedIn.headers.get('location') ?? '', base).toString(),
    );
    expect(location.startsWith(`${redirectUri}?`)).toBe(true);
    const tokenSet = await client.oauthCallback(redirectUri, client.callbackParams(location), {
      state,
      code_verifier: verifier,
    });
    expect((await api('/api/me', accessTokenOf(tokenSet))).status).toBe(200);

    await expect(
      cliJson('grant', 'revoke', '--user', 'bob', '--client', registered.client_id),
    ).resolves.toEqual({ revoked: 2 });
    await expect(cliJson('grant', 'list', '--user', 'bob')).resolves.toEqual([]);
    // Still signed in: now the consent page, as the consent was forgotten with the grant.
    const page = await agent.open(again(generators.state(), verifier));
    expect({ path: new URL(page.url).pathname, status: page.status }).toEqual({
      path: '/consent',
      status: 200,
    });
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
