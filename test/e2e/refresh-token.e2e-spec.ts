import request from 'supertest';
import type { RegisteredClient, UserCredentialsVerifier } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { basic, sleep, startOfSecond } from '../support/grants';
import {
  basicOf,
  clientCredentialsToken,
  codeThroughConsent,
  E2eApp,
  secretOf,
  startE2eApp,
} from '../support/http-flows';
import type { ModuleOptions } from '../support/module-options';
import { withVerifier } from '../support/module-options';
import { pkcePair } from '../support/pkce';
import {
  BASIC_CHALLENGE,
  expectBearerRefusal,
  expectTokenError,
  expectJsonAnswer,
  expectTokenSuccess,
  headerOf,
  TokenResponse,
} from '../support/rfc-assertions';
import { connectTestRedis, dumpKeys } from '../support/test-redis';

const CALLBACK = 'https://client.example/cb';
const SPA_CALLBACK = 'https://spa.example/cb';
const TTL = 600;
const FAMILY_TTL = 86400;
const METADATA = '/.well-known/oauth-authorization-server';

/** A refresh token of the right shape that was never issued. */
const NEVER_ISSUED_REFRESH = `${'A'.repeat(16)}.${'B'.repeat(8)}.${'C'.repeat(43)}`;

const UNKNOWN = {
  status: 400,
  error: 'invalid_grant',
  description: 'the refresh token is unknown, expired or revoked',
};
const REUSED = {
  status: 400,
  error: 'invalid_grant',
  description:
    'the refresh token was used before; every token of its authorization is revoked (RFC 9700 section 4.14.2)',
};

/** Knows one user, as an application's own user store would. */
const passwordVerifier: UserCredentialsVerifier = {
  verify: (username, password) =>
    username === 'alice' && password === 'wonderland' ? { userId: username } : null,
};

function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A response's body as the token endpoint's JSON. */
function bodyOf(response: request.Response): TokenResponse {
  return response.body as TokenResponse;
}

/** The error_description of a refusal. */
function descriptionOf(response: request.Response): string | undefined {
  return (response.body as { error_description?: string }).error_description;
}

/** The refresh token of a successful token response, failing when there is none. */
function refreshTokenOf(issued: TokenResponse): string {
  if (issued.refresh_token === undefined) throw new Error('the response has no refresh_token');
  return issued.refresh_token;
}

describe.each(ADAPTERS)('refresh tokens over HTTP (%s)', (adapter) => {
  /** One app per option set, so that a test's tokens never meet another's family. */
  async function startApp(options: Partial<ModuleOptions> = {}): Promise<E2eApp> {
    return startE2eApp(adapter, {
      scopes: ['profile', 'email', 'admin'],
      accessTokenTtl: TTL,
      refreshTokens: { ttl: FAMILY_TTL },
      ...withVerifier(passwordVerifier),
      ...options,
    });
  }

  let e2e: E2eApp;
  let web: RegisteredClient;
  let other: RegisteredClient;
  let spa: RegisteredClient;

  beforeAll(async () => {
    e2e = await startApp();
    web = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    other = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    spa = await e2e.clients.create({ clientType: 'user-agent', redirectUrls: [SPA_CALLBACK] });
  });
  afterAll(() => e2e.close());

  function token(app: E2eApp = e2e): request.Test {
    return request(app.server).post('/oauth/token').type('form');
  }

  function get(path: string, accessToken: string, app: E2eApp = e2e): request.Test {
    return request(app.server).get(path).set('Authorization', `Bearer ${accessToken}`);
  }

  function revoke(): request.Test {
    return request(e2e.server).post('/oauth/revoke').type('form');
  }

  function introspect(): request.Test {
    return request(e2e.server).post('/oauth/introspect').type('form');
  }

  /** The RFC 6750 §3 refusal of an access token its family's end took with it. */
  async function expectRevokedAccess(accessToken: string, app: E2eApp = e2e): Promise<void> {
    expectBearerRefusal(await get('/api/me', accessToken, app), {
      status: 401,
      error: 'invalid_token',
      description: 'the access token was revoked',
    });
  }

  /**
   * The tokens a code exchange gives `client`, after alice consented to `scope`; a public client
   * proves its code with PKCE and names itself with client_id.
   */
  async function codeTokens(
    client: RegisteredClient = web,
    scope = 'profile email',
    app: E2eApp = e2e,
  ): Promise<TokenResponse> {
    const pkce = pkcePair();
    const code = await codeThroughConsent(app.server, {
      client_id: client.id,
      response_type: 'code',
      scope,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
    const exchange = token(app);
    if (client.secret !== undefined) exchange.set('Authorization', basicOf(client));
    return expectTokenSuccess(
      await exchange.send({
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce.verifier,
        ...(client.secret === undefined ? { client_id: client.id } : {}),
      }),
      { scope, expiresIn: TTL, refreshToken: true },
    );
  }

  /**
   * A refresh request (RFC 6749 §6): a confidential client authenticates with HTTP Basic, a
   * public one sends client_id.
   */
  function refresh(
    refreshToken: string,
    client: RegisteredClient = web,
    extra: Record<string, string> = {},
    app: E2eApp = e2e,
  ): request.Test {
    const call = token(app);
    if (client.secret !== undefined) call.set('Authorization', basicOf(client));
    return call.send({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...(client.secret === undefined ? { client_id: client.id } : {}),
      ...extra,
    });
  }

  /** A successful refresh: a new pair, with `scope` as granted. */
  async function rotated(
    refreshToken: string,
    scope = 'profile email',
    client: RegisteredClient = web,
    app: E2eApp = e2e,
  ): Promise<TokenResponse> {
    return expectTokenSuccess(await refresh(refreshToken, client, {}, app), {
      scope,
      expiresIn: TTL,
      refreshToken: true,
    });
  }

  describe('issued where the RFCs allow', () => {
    it('the metadata lists refresh_token among grant_types_supported (RFC 8414 §2)', async () => {
      const metadata = await request(e2e.server).get(METADATA).expect(200);
      expect((metadata.body as { grant_types_supported: string[] }).grant_types_supported).toEqual([
        'authorization_code',
        'client_credentials',
        'password',
        'refresh_token',
      ]);
    });

    it('with the authorization code grant: refresh_token in the token response (RFC 6749 §4.1.4, §5.1)', async () => {
      const issued = await codeTokens();
      expect(issued.refresh_token).not.toBe(issued.access_token);
      await get('/api/me', issued.access_token).expect(200);
    });

    it('with the password grant (RFC 6749 §4.3.3)', async () => {
      const issued = expectTokenSuccess(
        await token()
          .set('Authorization', basicOf(web))
          .send({ grant_type: 'password', username: 'alice', password: 'wonderland' }),
        { expiresIn: TTL, refreshToken: true },
      );
      const next = expectTokenSuccess(await refresh(refreshTokenOf(issued)), {
        expiresIn: TTL,
        refreshToken: true,
      });
      expect((await get('/api/any', next.access_token).expect(200)).body).toMatchObject({
        user_id: 'alice',
        client_id: web.id,
      });
    });

    it('never with client credentials (RFC 6749 §4.4.3)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .send({ grant_type: 'client_credentials', scope: 'profile' });
      expect(expectTokenSuccess(response, { scope: 'profile', expiresIn: TTL })).not.toHaveProperty(
        'refresh_token',
      );
    });

    it('never in the implicit grant’s redirect (RFC 6749 §4.2.2)', async () => {
      const implicit = await startApp({ implicitGrant: true });
      try {
        const client = await implicit.clients.create({
          clientType: 'user-agent',
          redirectUrls: [SPA_CALLBACK],
        });
        const authorization = await request(implicit.server)
          .get('/oauth/authorize')
          .query({ client_id: client.id, response_type: 'token', scope: 'profile' });
        const requestId = new URL(
          headerOf(authorization, 'Location') as string,
          'http://consent.invalid',
        ).searchParams.get('request_id');
        const answer = await request(implicit.server)
          .get('/consent')
          .query({ request_id: requestId, user: 'alice', decision: 'allow' });
        const fragment = new URLSearchParams(
          new URL(headerOf(answer, 'Location') as string).hash.slice(1),
        );
        expect(fragment.get('access_token')).toEqual(expect.any(String));
        expect(fragment.has('refresh_token')).toBe(false);
      } finally {
        await implicit.close();
      }
    });
  });

  describe('the refresh grant (RFC 6749 §6)', () => {
    it('rotates: a new pair for the same user, and the new access token works', async () => {
      const first = await codeTokens();
      const second = await rotated(refreshTokenOf(first));
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.access_token).not.toBe(first.access_token);
      expect((await get('/api/me', second.access_token).expect(200)).body).toEqual({
        user_id: 'alice',
        client_id: web.id,
        scope: 'profile email',
      });
      // The older access token of the family lives until its own expiry.
      await get('/api/me', first.access_token).expect(200);
    });

    it('a confidential client may authenticate with client_secret_post (RFC 6749 §2.3.1)', async () => {
      const first = await codeTokens();
      const response = await token().send({
        grant_type: 'refresh_token',
        refresh_token: refreshTokenOf(first),
        client_id: web.id,
        client_secret: secretOf(web),
      });
      expectTokenSuccess(response, {
        scope: 'profile email',
        expiresIn: TTL,
        refreshToken: true,
      });
    });

    it('a public client names itself with client_id, and its refresh tokens rotate too (RFC 9700 §4.14.2)', async () => {
      const first = await codeTokens(spa, 'profile');
      const second = await rotated(refreshTokenOf(first), 'profile', spa);
      await get('/api/me', second.access_token).expect(200);
      expectTokenError(await refresh(refreshTokenOf(first), spa), REUSED);
    });

    it('scope narrows the new access token, and the next refresh may widen it back to the grant (RFC 6749 §6)', async () => {
      const first = await codeTokens();
      const narrow = expectTokenSuccess(
        await refresh(refreshTokenOf(first), web, { scope: 'email' }),
        { scope: 'email', expiresIn: TTL, refreshToken: true },
      );
      await get('/mail', narrow.access_token).expect(200);
      expectBearerRefusal(await get('/api/me', narrow.access_token), {
        status: 403,
        error: 'insufficient_scope',
        description: 'the access token does not hold any of the required scopes',
        scope: 'profile',
      });
      await rotated(refreshTokenOf(narrow));
    });

    it('scope beyond the grant is invalid_scope, and the refresh token still works (RFC 6749 §6)', async () => {
      const first = await codeTokens(web, 'profile');
      expectTokenError(await refresh(refreshTokenOf(first), web, { scope: 'profile email' }), {
        status: 400,
        error: 'invalid_scope',
        description: 'scope asks for more than the user granted (RFC 6749 section 6)',
      });
      await rotated(refreshTokenOf(first), 'profile');
    });

    it('a scope the server does not know is invalid_scope (RFC 6749 §5.2)', async () => {
      const first = await codeTokens();
      expectTokenError(await refresh(refreshTokenOf(first), web, { scope: 'profile nosuch' }), {
        status: 400,
        error: 'invalid_scope',
        description: 'unknown scope: nosuch',
      });
      await rotated(refreshTokenOf(first));
    });

    it("another client's refresh token is invalid_grant, and its own client keeps it (RFC 6749 §10.4)", async () => {
      const first = await codeTokens();
      expectTokenError(await refresh(refreshTokenOf(first), other), {
        status: 400,
        error: 'invalid_grant',
        description: 'the refresh token was issued to another client (RFC 6749 section 6)',
      });
      await rotated(refreshTokenOf(first));
    });

    it('a public client presenting a confidential client’s refresh token is invalid_grant', async () => {
      const first = await codeTokens();
      expectTokenError(await refresh(refreshTokenOf(first), spa), {
        status: 400,
        error: 'invalid_grant',
        description: 'the refresh token was issued to another client (RFC 6749 section 6)',
      });
      await rotated(refreshTokenOf(first));
    });

    it('a confidential client with a wrong secret is invalid_client, and the token still works (RFC 6749 §5.2)', async () => {
      const first = await codeTokens();
      const response = await token()
        .set('Authorization', basic(web.id, 'not-the-secret'))
        .send({ grant_type: 'refresh_token', refresh_token: refreshTokenOf(first) });
      expect(response.status).toBe(401);
      expect(headerOf(response, 'WWW-Authenticate')).toBe(BASIC_CHALLENGE);
      expect(response.body).toMatchObject({ error: 'invalid_client' });
      await rotated(refreshTokenOf(first));
    });

    it('a confidential client that does not authenticate is invalid_client (RFC 6749 §6)', async () => {
      const first = await codeTokens();
      const response = await token().send({
        grant_type: 'refresh_token',
        refresh_token: refreshTokenOf(first),
        client_id: web.id,
      });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: 'invalid_client' });
      await rotated(refreshTokenOf(first));
    });

    it('without refresh_token: invalid_request (RFC 6749 §5.2)', async () => {
      const response = await token()
        .set('Authorization', basicOf(web))
        .send({ grant_type: 'refresh_token' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
      expect((response.body as { error_description: string }).error_description).toMatch(
        /refresh_token/,
      );
    });

    it.each([
      ['never issued', NEVER_ISSUED_REFRESH],
      ['not shaped like one', 'garbage'],
    ])('a refresh token %s is invalid_grant (RFC 6749 §5.2)', async (_case, refreshToken) => {
      expectTokenError(await refresh(refreshToken), UNKNOWN);
    });

    it('an access token is no refresh token, nor a refresh token a bearer token', async () => {
      const first = await codeTokens();
      expectTokenError(await refresh(first.access_token), UNKNOWN);
      expectBearerRefusal(await get('/api/me', refreshTokenOf(first)), {
        status: 401,
        error: 'invalid_token',
        description: 'the access token is malformed',
      });
      await rotated(refreshTokenOf(first));
    });

    it('a client deleted: invalid_client, and its tokens are dead with it', async () => {
      const doomed = await e2e.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
      const first = await codeTokens(doomed);
      await e2e.clients.delete(doomed.id);
      const response = await refresh(refreshTokenOf(first), doomed);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: 'invalid_client' });
      expect((await get('/api/me', first.access_token)).status).toBe(401);
    });
  });

  describe('rotation is one atomic step (RFC 9700 §4.14.2)', () => {
    it('of 50 parallel refreshes with one refresh token, exactly one succeeds; the others are replays that end the family', async () => {
      const first = await codeTokens();
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => refresh(refreshTokenOf(first))),
      );
      const winners = responses.filter((response) => response.status === 200);
      expect(winners).toHaveLength(1);
      // The first replay ends the family; those after it find no family left.
      const refused = responses.filter((response) => response.status !== 200);
      for (const response of refused)
        expectTokenError(
          response,
          descriptionOf(response) === UNKNOWN.description ? UNKNOWN : REUSED,
        );
      expect(
        refused.filter((response) => descriptionOf(response) === REUSED.description).length,
      ).toBeGreaterThan(0);
      // Whichever of the two a thief holds, neither may go on.
      const winner = bodyOf(winners[0]);
      await expectRevokedAccess(winner.access_token);
      await expectRevokedAccess(first.access_token);
      expectTokenError(await refresh(refreshTokenOf(winner)), UNKNOWN);
    });
  });

  describe('reuse detection (RFC 9700 §4.14.2)', () => {
    it('the victim refreshes first, then the attacker replays: refused, and every token of the authorization is revoked', async () => {
      const stolen = await codeTokens();
      const victim = await rotated(refreshTokenOf(stolen));
      expectTokenError(await refresh(refreshTokenOf(stolen)), REUSED);
      await expectRevokedAccess(stolen.access_token);
      await expectRevokedAccess(victim.access_token);
      expectTokenError(await refresh(refreshTokenOf(victim)), UNKNOWN);
    });

    it('the attacker refreshes first, then the victim: the victim is refused and the attacker loses everything', async () => {
      const stolen = await codeTokens();
      const attacker = await rotated(refreshTokenOf(stolen));
      const further = await rotated(refreshTokenOf(attacker));
      expectTokenError(await refresh(refreshTokenOf(stolen)), REUSED);
      for (const accessToken of [stolen.access_token, attacker.access_token, further.access_token])
        await expectRevokedAccess(accessToken);
      expectTokenError(await refresh(refreshTokenOf(further)), UNKNOWN);
    });

    it('ends that authorization only: another consent of the same user and client lives on', async () => {
      const stolen = await codeTokens();
      const elsewhere = await codeTokens();
      await rotated(refreshTokenOf(stolen));
      expectTokenError(await refresh(refreshTokenOf(stolen)), REUSED);
      await get('/api/me', elsewhere.access_token).expect(200);
      await rotated(refreshTokenOf(elsewhere));
    });

    it('a code presented twice revokes the refresh tokens it gave too (RFC 6749 §4.1.2)', async () => {
      const pkce = pkcePair();
      const code = await codeThroughConsent(e2e.server, {
        client_id: web.id,
        response_type: 'code',
        scope: 'profile',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      });
      const exchange = (): request.Test =>
        token()
          .set('Authorization', basicOf(web))
          .send({ grant_type: 'authorization_code', code, code_verifier: pkce.verifier });
      const issued = expectTokenSuccess(await exchange(), {
        scope: 'profile',
        expiresIn: TTL,
        refreshToken: true,
      });
      expect((await exchange()).body).toMatchObject({ error: 'invalid_grant' });
      await expectRevokedAccess(issued.access_token);
      expectTokenError(await refresh(refreshTokenOf(issued)), UNKNOWN);
    });
  });

  describe('the retry window (reuseGraceSeconds)', () => {
    let retrying: E2eApp;
    let client: RegisteredClient;

    beforeAll(async () => {
      retrying = await startApp({ refreshTokens: { ttl: FAMILY_TTL, reuseGraceSeconds: 30 } });
      client = await retrying.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    });
    afterAll(() => retrying.close());

    it('a client retrying after a lost response gets a fresh pair, and that is no reuse', async () => {
      const first = await codeTokens(client, 'profile', retrying);
      const lost = await rotated(refreshTokenOf(first), 'profile', client, retrying);
      const retried = await rotated(refreshTokenOf(first), 'profile', client, retrying);
      expect(retried.refresh_token).not.toBe(lost.refresh_token);
      await get('/api/me', retried.access_token, retrying).expect(200);
      await rotated(refreshTokenOf(retried), 'profile', client, retrying);
    });

    it('once the successor was used, the previous token is reuse even within the window', async () => {
      const first = await codeTokens(client, 'profile', retrying);
      const second = await rotated(refreshTokenOf(first), 'profile', client, retrying);
      const third = await rotated(refreshTokenOf(second), 'profile', client, retrying);
      expectTokenError(await refresh(refreshTokenOf(first), client, {}, retrying), REUSED);
      await expectRevokedAccess(third.access_token, retrying);
    });
  });

  describe('rotation only for public clients', () => {
    let keeping: E2eApp;
    let confidential: RegisteredClient;
    let publicClient: RegisteredClient;

    beforeAll(async () => {
      keeping = await startApp({ refreshTokens: { ttl: FAMILY_TTL, rotation: 'public-clients' } });
      confidential = await keeping.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
      publicClient = await keeping.clients.create({
        clientType: 'user-agent',
        redirectUrls: [SPA_CALLBACK],
      });
    });
    afterAll(() => keeping.close());

    it('a confidential client keeps its refresh token: no refresh_token in the answer (RFC 6749 §6)', async () => {
      const first = await codeTokens(confidential, 'profile', keeping);
      for (let round = 0; round < 2; round += 1)
        expectTokenSuccess(await refresh(refreshTokenOf(first), confidential, {}, keeping), {
          scope: 'profile',
          expiresIn: TTL,
        });
    });

    it("a public client's refresh token still rotates (RFC 9700 §4.14.2)", async () => {
      const first = await codeTokens(publicClient, 'profile', keeping);
      await rotated(refreshTokenOf(first), 'profile', publicClient, keeping);
      expectTokenError(await refresh(refreshTokenOf(first), publicClient, {}, keeping), REUSED);
    });
  });

  describe("the family's lifetime", () => {
    it('ends ttl seconds after the consent, however often it rotated', async () => {
      const brief = await startApp({ refreshTokens: { ttl: 3 } });
      try {
        const client = await brief.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
        await startOfSecond();
        const first = await codeTokens(client, 'profile', brief);
        await sleep(1000);
        const second = await rotated(refreshTokenOf(first), 'profile', client, brief);
        await sleep(1000);
        const third = await rotated(refreshTokenOf(second), 'profile', client, brief);
        await sleep(1500);
        expectTokenError(await refresh(refreshTokenOf(third), client, {}, brief), UNKNOWN);
      } finally {
        await brief.close();
      }
    });

    it('idleTtl ends a family nobody used for that long', async () => {
      const idle = await startApp({ refreshTokens: { ttl: FAMILY_TTL, idleTtl: 1 } });
      try {
        const client = await idle.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
        await startOfSecond();
        const first = await codeTokens(client, 'profile', idle);
        const second = await rotated(refreshTokenOf(first), 'profile', client, idle);
        await sleep(2500);
        expectTokenError(await refresh(refreshTokenOf(second), client, {}, idle), UNKNOWN);
      } finally {
        await idle.close();
      }
    });
  });

  describe('POST /oauth/revoke (RFC 7009)', () => {
    /** RFC 7009 §2.2: 200 with an empty body. */
    function expectRevoked(response: request.Response): void {
      expect({ status: response.status, text: response.text }).toEqual({ status: 200, text: '' });
    }

    it.each([
      ['without token_type_hint', {}],
      ['with token_type_hint=refresh_token', { token_type_hint: 'refresh_token' }],
      ['with the wrong hint, access_token', { token_type_hint: 'access_token' }],
    ])(
      'revokes a refresh token %s, and the access tokens of its authorization with it (RFC 7009 §2.1)',
      async (_case, hint) => {
        const first = await codeTokens();
        const second = await rotated(refreshTokenOf(first));
        expectRevoked(
          await revoke()
            .set('Authorization', basicOf(web))
            .send({ token: refreshTokenOf(second), ...hint }),
        );
        await expectRevokedAccess(first.access_token);
        await expectRevokedAccess(second.access_token);
        expectTokenError(await refresh(refreshTokenOf(second)), UNKNOWN);
      },
    );

    it('a public client revokes its own refresh token with client_id (RFC 7009 §2.1)', async () => {
      const first = await codeTokens(spa, 'profile');
      expectRevoked(await revoke().send({ token: refreshTokenOf(first), client_id: spa.id }));
      expectTokenError(await refresh(refreshTokenOf(first), spa), UNKNOWN);
    });

    it('revoking an access token leaves its refresh token alone', async () => {
      const first = await codeTokens();
      expectRevoked(
        await revoke().set('Authorization', basicOf(web)).send({ token: first.access_token }),
      );
      await expectRevokedAccess(first.access_token);
      const next = await rotated(refreshTokenOf(first));
      await get('/api/me', next.access_token).expect(200);
    });

    it('another client is refused with unauthorized_client and revokes nothing (RFC 7009 §2.1)', async () => {
      const first = await codeTokens();
      expectTokenError(
        await revoke()
          .set('Authorization', basicOf(other))
          .send({ token: refreshTokenOf(first) }),
        {
          status: 400,
          error: 'unauthorized_client',
          description: 'the token was not issued to this client (RFC 7009 section 2.1)',
        },
      );
      await get('/api/me', first.access_token).expect(200);
      await rotated(refreshTokenOf(first));
    });
  });

  describe('POST /oauth/introspect (RFC 7662)', () => {
    it("describes a live refresh token to its own client: token_type, client_id, sub, scope and the family's end (RFC 7662 §2.2)", async () => {
      const before = nowInSeconds();
      const first = await codeTokens();
      const response = await introspect()
        .set('Authorization', basicOf(web))
        .send({ token: refreshTokenOf(first), token_type_hint: 'refresh_token' });
      expectJsonAnswer(response, {
        status: 200,
        cacheControl: 'no-store',
        body: {
          active: true,
          token_type: 'refresh_token',
          client_id: web.id,
          sub: 'alice',
          scope: 'profile email',
          exp: expect.any(Number),
        },
      });
      const { exp } = response.body as { exp: number };
      expect(exp).toBeGreaterThanOrEqual(before + FAMILY_TTL);
      expect(exp).toBeLessThanOrEqual(nowInSeconds() + FAMILY_TTL + 1);
    });

    it('tells another client, even a resource server, nothing of it (RFC 7662 §4)', async () => {
      const first = await codeTokens();
      const api = await e2e.clients.create({
        clientType: 'web',
        redirectUrls: [CALLBACK],
        resourceServer: true,
      });
      for (const asker of [other, api]) {
        const response = await introspect()
          .set('Authorization', basicOf(asker))
          .send({ token: refreshTokenOf(first) });
        expect(response.body).toEqual({ active: false });
      }
    });

    it('says active:false once it rotated out (RFC 7662 §2.2)', async () => {
      const first = await codeTokens();
      await rotated(refreshTokenOf(first));
      const response = await introspect()
        .set('Authorization', basicOf(web))
        .send({ token: refreshTokenOf(first) });
      expect(response.body).toEqual({ active: false });
    });
  });

  describe('stored like everything else', () => {
    it('after a full flow, Redis holds no usable token, refresh token or secret part, and every key expires', async () => {
      const first = await codeTokens();
      const second = await rotated(refreshTokenOf(first));
      const third = expectTokenSuccess(
        await refresh(refreshTokenOf(second), web, { scope: 'email' }),
        { scope: 'email', expiresIn: TTL, refreshToken: true },
      );
      const password = expectTokenSuccess(
        await token()
          .set('Authorization', basicOf(web))
          .send({ grant_type: 'password', username: 'alice', password: 'wonderland' }),
        { expiresIn: TTL, refreshToken: true },
      );
      const secrets = [first, second, third, password].flatMap((issued) => [
        issued.access_token,
        refreshTokenOf(issued),
        refreshTokenOf(issued).split('.')[2],
      ]);
      const redis = connectTestRedis();
      try {
        const dump = await dumpKeys(redis, e2e.prefix);
        const stored = [...dump].map(([key, content]) => `${key} ${content}`).join('\n');
        for (const secret of secrets) expect(stored).not.toContain(secret);
        // A grant's keys share its id as their cluster hash tag.
        const grantKeys = [...dump.keys()].filter((key) => /\{[A-Za-z0-9_-]{16}\}/.test(key));
        expect(grantKeys.length).toBeGreaterThan(0);
        // Registered clients stay until deleted; everything else expires by itself.
        for (const key of dump.keys())
          if (!key.includes('{clients}')) expect(await redis.ttl(key)).toBeGreaterThan(0);
        for (const key of grantKeys)
          expect(await redis.ttl(key)).toBeLessThanOrEqual(FAMILY_TTL + 1);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('off (the default)', () => {
    let plain: E2eApp;
    let client: RegisteredClient;

    beforeAll(async () => {
      plain = await startApp({ refreshTokens: undefined });
      client = await plain.clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    });
    afterAll(() => plain.close());

    it('the metadata leaves refresh_token out (RFC 8414 §2)', async () => {
      const metadata = await request(plain.server).get(METADATA).expect(200);
      expect(
        (metadata.body as { grant_types_supported: string[] }).grant_types_supported,
      ).not.toContain('refresh_token');
    });

    it('no refresh_token in the token response (RFC 6749 §5.1)', async () => {
      const pkce = pkcePair();
      const code = await codeThroughConsent(plain.server, {
        client_id: client.id,
        response_type: 'code',
        scope: 'profile',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      });
      expectTokenSuccess(
        await token(plain)
          .set('Authorization', basicOf(client))
          .send({ grant_type: 'authorization_code', code, code_verifier: pkce.verifier }),
        { scope: 'profile', expiresIn: TTL },
      );
      const clientToken = await clientCredentialsToken(plain.server, client, 'profile', TTL);
      await get('/api/me', clientToken, plain).expect(200);
    });

    it('grant_type=refresh_token is unsupported_grant_type (RFC 6749 §5.2)', async () => {
      const response = await token(plain)
        .set('Authorization', basicOf(client))
        .send({ grant_type: 'refresh_token', refresh_token: NEVER_ISSUED_REFRESH });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'unsupported_grant_type' });
    });
  });
});
