import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Browser, BrowserContext, chromium, Locator, Page, Response } from 'playwright-core';
import { ClientService, OAuthClient } from '../../lib';
import { createSampleApp } from '../../sample/sample-app';
import { readSampleConfig, SampleConfig } from '../../sample/sample-config';
import { pkcePair } from '../support/pkce';
import { aptGetInstall } from '../support/prerequisites';
import { connectTestRedis, deleteKeys, testPrefix, testRedisUrl } from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';

// Debian's Chromium, which npm test installs with apt-get (scripts/test-prerequisites.mjs): a
// browser that is missing must fail the run, or the real sign-in and consent pages would
// silently go untested.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  // Root on a closed network: no sandbox (it needs an unprivileged user) and nothing fetched
  // from outside.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CLIENT_NAME = 'Browser Sample Client';

jest.setTimeout(60_000);

function baseUrlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The client's redirection endpoint: records what the authorization server sent back. */
async function startCallbackServer(): Promise<{ server: Server; hits: Record<string, string>[] }> {
  const hits: Record<string, string>[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/cb') hits.push(Object.fromEntries(url.searchParams));
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('done');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, hits };
}

describe('sample sign-in and consent pages in Chromium', () => {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let app: INestApplication | undefined;
  let redis: TestRedis;
  let callback: { server: Server; hits: Record<string, string>[] } | undefined;
  let config: SampleConfig;
  let base: string;
  let redirectUri: string;
  let client: OAuthClient;
  const prefix = testPrefix();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `oauthist tests need Debian's chromium (${CHROMIUM}) for the browser test: run  ${aptGetInstall('chromium')}`,
      );
    }
    redis = connectTestRedis();
    config = readSampleConfig({
      REDIS_URL: testRedisUrl(),
      OAUTHIST_PREFIX: prefix,
      SAMPLE_USERS: 'alice:wonderland',
      PORT: '0',
    });
    app = await createSampleApp(config, redis, false);
    await app.listen(0, '127.0.0.1');
    base = baseUrlOf(app.getHttpServer() as Server);
    callback = await startCallbackServer();
    redirectUri = `${baseUrlOf(callback.server)}/cb`;
    client = await app.get(ClientService).create({
      clientType: 'user-agent',
      redirectUrls: [redirectUri],
      attributes: { name: CLIENT_NAME },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (callback) {
      const server = callback.server;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await app?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  beforeEach(async () => {
    if (!browser) throw new Error('Chromium did not start');
    // A fresh cookie jar per test: each one starts signed out.
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  function authorizeUrl(
    state: string,
    challenge: string,
    options: { clientId?: string; prompt?: string } = {},
  ): string {
    const url = new URL('/oauth/authorize', base);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: options.clientId ?? client.id,
      redirect_uri: redirectUri,
      scope: 'profile',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(options.prompt === undefined ? {} : { prompt: options.prompt }),
    }).toString();
    return url.toString();
  }

  function hitsFor(state: string): Record<string, string>[] {
    return callback?.hits.filter((hit) => hit.state === state) ?? [];
  }

  /** Starts an authorization request, which must land on the sign-in page. */
  async function startAuthorization(
    options: { clientId?: string; prompt?: string } = {},
  ): Promise<{ state: string; verifier: string }> {
    const state = randomBytes(16).toString('base64url');
    const { verifier, challenge } = pkcePair();
    await page.goto(authorizeUrl(state, challenge, options));
    expect(new URL(page.url()).pathname).toBe('/login');
    return { state, verifier };
  }

  /**
   * Redeems the code the client received for `state`, which must be its only answer: what the
   * token endpoint said.
   */
  async function exchange(
    state: string,
    verifier: string,
    clientId = client.id,
  ): Promise<{ status: number; cacheControl: string | null; body: Record<string, unknown> }> {
    const hits = hitsFor(state);
    expect(hits).toEqual([
      { code: expect.any(String), state, iss: config.issuer } as Record<string, string>,
    ]);
    const token = await fetch(new URL('/oauth/token', base), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: hits[0].code,
        redirect_uri: redirectUri,
        client_id: clientId,
        code_verifier: verifier,
      }),
    });
    const body = (await token.json()) as Record<string, unknown>;
    return { status: token.status, cacheControl: token.headers.get('cache-control'), body };
  }

  /** The access token for the code the client received for `state`. */
  async function redeem(state: string, verifier: string, clientId: string): Promise<string> {
    const { status, body } = await exchange(state, verifier, clientId);
    expect(status).toBe(200);
    return String(body.access_token);
  }

  /** The status /api/me answers for `accessToken`. */
  async function meStatus(accessToken: string): Promise<number> {
    const me = await fetch(new URL('/api/me', base), {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    await me.arrayBuffer();
    return me.status;
  }

  /**
   * Clicks a submit button and follows the navigation through its redirects: resolves with the
   * response of the document the browser ends on.
   */
  async function submit(button: string, within: Page | Locator = page): Promise<Response> {
    const [response] = await Promise.all([
      page.waitForResponse(
        (candidate) =>
          candidate.request().isNavigationRequest() &&
          candidate.request().frame() === page.mainFrame() &&
          (candidate.status() < 300 || candidate.status() >= 400),
      ),
      within.getByRole('button', { name: button, exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    return response;
  }

  async function signIn(username: string, password: string): Promise<Response> {
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(password);
    return submit('Sign in');
  }

  /** What the consent page shows, with the user's decision still open. */
  async function expectConsentPage(response: Response): Promise<void> {
    expect(new URL(response.url()).pathname).toBe('/consent');
    expect(response.status()).toBe(200);
    const text = await page.locator('body').innerText();
    expect(text).toContain(CLIENT_NAME);
    expect(text).toContain('profile');
    await expect(page.getByRole('button', { name: 'Allow' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Deny' }).count()).resolves.toBe(1);
  }

  it('signs alice in, asks her consent and hands the client a code that gets a working token', async () => {
    const { state, verifier } = await startAuthorization();

    const consent = await signIn('alice', 'wonderland');
    await expectConsentPage(consent);
    // Clickjacking (RFC 9700 §4.16): no other site may frame the page that grants access.
    const headers = await consent.allHeaders();
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");

    const cookies = (await context?.cookies(base)) ?? [];
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect({ name: cookie.name, httpOnly: cookie.httpOnly, sameSite: cookie.sameSite }).toEqual({
        name: cookie.name,
        httpOnly: true,
        sameSite: 'Lax',
      });
    }

    const landed = await submit('Allow');
    expect(landed.url().startsWith(`${redirectUri}?`)).toBe(true);
    await expect(page.locator('body').innerText()).resolves.toBe('done');
    const token = await exchange(state, verifier);
    expect(token.status).toBe(200);
    expect(token.cacheControl).toBe('no-store');
    const tokenBody = token.body;
    expect(tokenBody).toMatchObject({
      access_token: expect.any(String),
      token_type: 'Bearer',
      scope: 'profile',
    });

    const me = await fetch(new URL('/api/me', base), {
      headers: { Authorization: `Bearer ${String(tokenBody.access_token)}` },
    });
    expect(me.status).toBe(200);
    await expect(me.json()).resolves.toMatchObject({
      user_id: 'alice',
      client_id: client.id,
      scope: 'profile',
    });
  });

  it('sends the client access_denied and its state when alice denies, asked with prompt=consent though she may have allowed it before', async () => {
    const { state } = await startAuthorization({ prompt: 'consent' });
    await expectConsentPage(await signIn('alice', 'wonderland'));

    const landed = await submit('Deny');
    expect(landed.url().startsWith(`${redirectUri}?`)).toBe(true);
    const hits = hitsFor(state);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ error: 'access_denied', state, iss: config.issuer });
    expect(hits[0]).not.toHaveProperty('code');
  });

  it('shows the sign-in page again, with an error and no session, after a wrong password', async () => {
    const { state } = await startAuthorization();

    const refused = await signIn('alice', 'looking-glass');
    expect(refused.request().method()).toBe('POST');
    expect(refused.status()).toBe(401);
    expect(new URL(page.url()).pathname).toBe('/login');
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/wrong|invalid|incorrect/i);
    await expect(page.locator('input[name=username]').count()).resolves.toBe(1);
    // The password is never sent back to the browser.
    await expect(page.locator('input[name=password]').inputValue()).resolves.toBe('');
    await expect(page.getByRole('button', { name: 'Sign in' }).count()).resolves.toBe(1);

    // Not signed in: the same request still lands on the sign-in page, not on consent.
    await page.goto(authorizeUrl(state, pkcePair().challenge));
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(hitsFor(state)).toEqual([]);
  });

  it('asks alice once for two authorizations, lists the client on /account/apps, and after Revoke there its tokens are refused', async () => {
    const name = 'Connected Sample App';
    if (!app) throw new Error('the sample did not start');
    const connected = await app.get(ClientService).create({
      clientType: 'user-agent',
      redirectUrls: [redirectUri],
      attributes: { name },
    });
    const consentPages: string[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/consent' && response.status() === 200)
        consentPages.push(response.url());
    });

    const first = await startAuthorization({ clientId: connected.id });
    await signIn('alice', 'wonderland');
    expect(consentPages).toHaveLength(1);
    await expect(page.locator('body').innerText()).resolves.toContain(name);
    await submit('Allow');
    const firstToken = await redeem(first.state, first.verifier, connected.id);

    // Signed in and already allowed: the browser goes straight back to the client, no page.
    const second = { state: randomBytes(16).toString('base64url'), ...pkcePair() };
    await page.goto(authorizeUrl(second.state, second.challenge, { clientId: connected.id }));
    expect(page.url().startsWith(`${redirectUri}?`)).toBe(true);
    expect(consentPages).toHaveLength(1);
    const secondToken = await redeem(second.state, second.verifier, connected.id);
    await expect(meStatus(firstToken)).resolves.toBe(200);
    await expect(meStatus(secondToken)).resolves.toBe(200);

    await page.goto(new URL('/account/apps', base).toString());
    const entry = page.locator('li.app', { hasText: name });
    await expect(entry.count()).resolves.toBe(1);
    await expect(entry.innerText()).resolves.toContain('profile');
    const listed = await submit('Revoke', entry);
    expect(new URL(listed.url()).pathname).toBe('/account/apps');
    await expect(page.locator('li.app', { hasText: name }).count()).resolves.toBe(0);
    await expect(page.locator('body').innerText()).resolves.toContain('Signed in as alice');
    await expect(meStatus(firstToken)).resolves.toBe(401);
    await expect(meStatus(secondToken)).resolves.toBe(401);

    // The consent went with the grant: the next authorization asks again.
    const third = pkcePair();
    await page.goto(authorizeUrl('again', third.challenge, { clientId: connected.id }));
    expect(new URL(page.url()).pathname).toBe('/consent');
    expect(consentPages).toHaveLength(2);
  });
});
