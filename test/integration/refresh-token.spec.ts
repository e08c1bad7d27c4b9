import {
  AttributeValue,
  ClientService,
  GrantService,
  IssuedAccessToken,
  OAuthError,
  RegisteredClient,
  TokenService,
  UserCredentialsVerifier,
} from '../../lib';
import type { ModuleOptions } from '../support/module-options';
import { withVerifier } from '../support/module-options';
import { errorOf, expectNotStored, obtainCode, sleep, startOfSecond } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { pkcePair } from '../support/pkce';
import { dumpKeys } from '../support/test-redis';

const verifier: UserCredentialsVerifier = {
  verify: (username: string, password: string): Record<string, AttributeValue> | null =>
    username === 'bob' && password === 'builder' ? { userId: 'bob-id', plan: 'gold' } : null,
};

/** The error a promise rejects with, as `error: description`-free code. */
function failure(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'issued',
    (error: unknown) => {
      if (error instanceof OAuthError) return error.error;
      throw error;
    },
  );
}

describe('refresh tokens (RFC 6749 §6, RFC 9700 §4.14)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let clients: ClientService;
  let web: RegisteredClient;
  let other: RegisteredClient;
  let spa: RegisteredClient;

  async function start(options: Partial<ModuleOptions> = {}): Promise<void> {
    fixture = await createOAuthistFixture({
      scopes: ['profile', 'email', 'admin'],
      accessTokenTtl: 600,
      refreshTokens: { ttl: 86400 },
      ...withVerifier(verifier),
      ...options,
    });
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    clients = fixture.module.get(ClientService);
    web = await clients.create({ clientType: 'web', redirectUrls: ['https://client.example/cb'] });
    other = await clients.create({ clientType: 'web', redirectUrls: ['https://other.example/cb'] });
    spa = await clients.create({
      clientType: 'user-agent',
      redirectUrls: ['https://spa.example/cb'],
    });
  }

  afterEach(() => fixture.close());

  function credentials(client: RegisteredClient): Record<string, string> {
    return client.secret === undefined
      ? { client_id: client.id }
      : { client_id: client.id, client_secret: client.secret };
  }

  async function codeTokens(
    client: RegisteredClient = web,
    scope = 'profile email',
  ): Promise<IssuedAccessToken> {
    const { verifier, challenge } = pkcePair();
    const code = await obtainCode(
      grants,
      client,
      { scope, code_challenge: challenge, code_challenge_method: 'S256' },
      { userId: 'alice', tier: 'pro' },
    );
    const exchange = await grants.codeExchangeRequest({
      code,
      code_verifier: verifier,
      ...credentials(client),
    });
    return exchange.exchangeForToken();
  }

  async function refresh(
    refreshToken: string,
    client: RegisteredClient = web,
    extra: Record<string, string> = {},
  ): Promise<IssuedAccessToken> {
    const request = await grants.refreshTokenRequest({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...credentials(client),
      ...extra,
    });
    return request.exchangeForToken();
  }

  describe('issued where the RFCs allow', () => {
    beforeEach(() => start());

    it('with an authorization code: refresh_token in the token response (RFC 6749 §5.1)', async () => {
      const issued = await codeTokens();
      expect(issued.toJSON()).toMatchObject({
        refresh_token: issued.refreshToken,
        scope: 'profile email',
      });
      expect(issued.refreshToken).toMatch(/^[\w-]{16}\.[\w-]{8}\.[\w-]{43}$/);
    });

    it('with the password grant of a named client, keeping the extras', async () => {
      const request = await grants.passwordExchangeRequest({
        username: 'bob',
        password: 'builder',
        scope: 'profile',
        ...credentials(web),
      });
      const issued = await request.exchangeForToken();
      expect(issued.refreshToken).toBeDefined();
      const next = await refresh(issued.refreshToken as string);
      expect(next.token.userId).toBe('bob-id');
      expect(next.token.extras).toEqual({ plan: 'gold' });
      expect(next.token.scope).toBe('profile');
    });

    it('never with a password grant that names no client: nobody could refresh it', async () => {
      const request = await grants.passwordExchangeRequest({
        username: 'bob',
        password: 'builder',
      });
      const issued = await request.exchangeForToken();
      expect(issued.refreshToken).toBeUndefined();
    });

    it('never with client credentials (RFC 6749 §4.4.3)', async () => {
      const request = await grants.clientCredentialsRequest({
        grant_type: 'client_credentials',
        ...credentials(web),
      });
      const issued = await request.exchangeForToken();
      expect(issued.refreshToken).toBeUndefined();
      expect(issued.toJSON()).not.toHaveProperty('refresh_token');
    });

    it('by an application grant that asks: issueAccessToken({ refreshToken: true })', async () => {
      const issued = await tokens.issueAccessToken({
        clientId: web.id,
        userId: 'carol',
        scopes: ['email'],
        refreshToken: true,
      });
      const next = await refresh(issued.refreshToken as string);
      expect(next.token).toMatchObject({ userId: 'carol', scope: 'email' });
    });

    it('a refresh token is no bearer token, nor an access token a refresh token', async () => {
      const issued = await codeTokens();
      await expect(tokens.verifyAccessToken(issued.refreshToken as string)).rejects.toMatchObject({
        reason: 'malformed',
      });
      expect(await failure(refresh(issued.accessToken))).toBe('invalid_grant');
      const request = await grants.refreshTokenRequest({
        grant_type: 'refresh_token',
        refresh_token: issued.accessToken,
        ...credentials(web),
      });
      expect(errorOf(request).description).toMatch(/unknown, expired or revoked/);
    });

    it('keeps only hashes at rest: no token, refresh token or secret part in Redis', async () => {
      const first = await codeTokens();
      const second = await refresh(first.refreshToken as string);
      const third = await refresh(second.refreshToken as string, web, { scope: 'email' });
      const all = [first, second, third].flatMap((issued) => [
        issued.accessToken,
        issued.refreshToken as string,
        (issued.refreshToken as string).split('.')[2],
      ]);
      await expectNotStored(fixture, all);
    });

    it('keeps one refresh-token hash per family without a retry window, two with one', async () => {
      const previousOf = async (refreshToken: string): Promise<string> => {
        const [grantId, familyId] = refreshToken.split('.');
        const record = await fixture.redis.hget(`${fixture.prefix}:{${grantId}}`, `~${familyId}`);
        return (record ?? '').split('\x1f')[3];
      };
      const first = await codeTokens();
      const second = await refresh(first.refreshToken as string);
      expect(await previousOf(second.refreshToken as string)).toBe('');
      await fixture.close();
      await start({ refreshTokens: { ttl: 86400, reuseGraceSeconds: 30 } });
      const kept = await codeTokens();
      const next = await refresh(kept.refreshToken as string);
      expect(await previousOf(next.refreshToken as string)).toMatch(/^[\w-]{16}$/);
    });

    it("every key it writes expires by Redis TTL, no later than the family (the user's index: than its last access token)", async () => {
      const first = await codeTokens();
      await refresh(first.refreshToken as string);
      const keys = [...(await dumpKeys(fixture.redis, fixture.prefix)).keys()].filter(
        (key) => !key.includes('{clients}'),
      );
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const ttl = await fixture.redis.ttl(key);
        expect(ttl).toBeGreaterThan(0);
        // The index is written once, at consent, for all the family may still issue: an access
        // token refreshed as the family ends lives its 600 s past it (and a minute for clocks).
        const family = key.includes('{user:') ? 86400 + 600 + 60 : 86400;
        expect(ttl).toBeLessThanOrEqual(family + 1);
      }
    });
  });

  describe('the refresh grant', () => {
    beforeEach(() => start());

    it('rotates: a new pair, the same user and extras', async () => {
      const first = await codeTokens();
      const second = await refresh(first.refreshToken as string);
      expect(second.refreshToken).toBeDefined();
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(second.token).toMatchObject({
        clientId: web.id,
        userId: 'alice',
        scope: 'profile email',
        extras: { tier: 'pro' },
      });
      // The family's older access token stays valid until its own expiry.
      await tokens.verifyAccessToken(first.accessToken);
      await tokens.verifyAccessToken(second.accessToken, 'email');
    });

    it('scope narrows the new access token, and the next refresh may widen it back to the grant (RFC 6749 §6)', async () => {
      const first = await codeTokens();
      const narrow = await refresh(first.refreshToken as string, web, { scope: 'email' });
      expect(narrow.token.scope).toBe('email');
      expect(narrow.toJSON().scope).toBe('email');
      const whole = await refresh(narrow.refreshToken as string);
      expect(whole.token.scope).toBe('profile email');
    });

    it('scope beyond the grant is invalid_scope, and the refresh token still works', async () => {
      const first = await codeTokens(web, 'profile');
      expect(
        await failure(refresh(first.refreshToken as string, web, { scope: 'profile admin' })),
      ).toBe('invalid_scope');
      const next = await refresh(first.refreshToken as string);
      expect(next.token.scope).toBe('profile');
    });

    it('a scope the server does not know is invalid_scope before anything is read', async () => {
      const first = await codeTokens();
      const request = await grants.refreshTokenRequest({
        grant_type: 'refresh_token',
        refresh_token: first.refreshToken as string,
        scope: 'nonsense',
        ...credentials(web),
      });
      expect(errorOf(request).error).toBe('invalid_scope');
      await refresh(first.refreshToken as string);
    });

    it("another client's refresh token is invalid_grant, and its own client keeps it (RFC 6749 §10.4)", async () => {
      const first = await codeTokens();
      expect(await failure(refresh(first.refreshToken as string, other))).toBe('invalid_grant');
      await refresh(first.refreshToken as string);
    });

    it('a confidential client must authenticate: a wrong secret is invalid_client', async () => {
      const first = await codeTokens();
      const request = await grants.refreshTokenRequest({
        grant_type: 'refresh_token',
        refresh_token: first.refreshToken as string,
        client_id: web.id,
        client_secret: 'wrong',
      });
      expect(errorOf(request).error).toBe('invalid_client');
      const bare = await grants.refreshTokenRequest({
        grant_type: 'refresh_token',
        refresh_token: first.refreshToken as string,
        client_id: web.id,
      });
      expect(errorOf(bare).error).toBe('invalid_client');
      await refresh(first.refreshToken as string);
    });

    it('a public client sends client_id, and its tokens rotate', async () => {
      const first = await codeTokens(spa);
      const second = await refresh(first.refreshToken as string, spa);
      expect(second.refreshToken).toBeDefined();
      expect(await failure(refresh(first.refreshToken as string, spa))).toBe('invalid_grant');
    });

    it('a missing or unknown refresh token', async () => {
      const missing = await grants.refreshTokenRequest({
        grant_type: 'refresh_token',
        ...credentials(web),
      });
      expect(errorOf(missing)).toMatchObject({ error: 'invalid_request' });
      const made = `${'A'.repeat(16)}.${'B'.repeat(8)}.${'C'.repeat(43)}`;
      expect(await failure(refresh(made))).toBe('invalid_grant');
    });

    it('a client deleted: its refresh tokens are dead with it', async () => {
      const first = await codeTokens();
      await clients.delete(web.id);
      const request = await grants.refreshTokenRequest({
        grant_type: 'refresh_token',
        refresh_token: first.refreshToken as string,
        ...credentials(web),
      });
      expect(errorOf(request).error).toBe('invalid_client');
      const dump = await dumpKeys(fixture.redis, fixture.prefix);
      const families = [...dump.values()].filter((content) => content.includes('"~'));
      expect(families).toEqual([]);
    });

    it('a client no longer allowed a scope: it is left out of the next token; none left is invalid_scope (RFC 6749 §3.3)', async () => {
      const first = await codeTokens();
      await clients.update(web.id, { scopes: ['email'] });
      const narrowed = await refresh(first.refreshToken as string);
      expect(narrowed.token.scope).toBe('email');
      await clients.update(web.id, { scopes: ['admin'] });
      expect(await failure(refresh(narrowed.refreshToken as string))).toBe('invalid_scope');
    });

    it('off: unsupported_grant_type', async () => {
      await fixture.close();
      await start({ refreshTokens: false });
      const issued = await codeTokens();
      expect(issued.refreshToken).toBeUndefined();
      const request = await grants.tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: `${'A'.repeat(16)}.${'B'.repeat(8)}.${'C'.repeat(43)}`,
        ...credentials(web),
      });
      expect(errorOf(request).error).toBe('unsupported_grant_type');
    });
  });

  describe('rotation is atomic (RFC 9700 §4.14.2)', () => {
    beforeEach(() => start());

    it('of 50 parallel refreshes with one refresh token, exactly one succeeds', async () => {
      const first = await codeTokens();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () => failure(refresh(first.refreshToken as string))),
      );
      expect(outcomes.filter((outcome) => outcome === 'issued')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'invalid_grant')).toHaveLength(49);
    });
  });

  describe('reuse detection (RFC 9700 §4.14.2)', () => {
    beforeEach(() => start());

    it('victim refreshes first, then the attacker replays: refused, and the whole family is revoked', async () => {
      const stolen = await codeTokens();
      const victim = await refresh(stolen.refreshToken as string);
      expect(await failure(refresh(stolen.refreshToken as string))).toBe('invalid_grant');
      for (const token of [stolen.accessToken, victim.accessToken]) {
        await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'revoked' });
      }
      // The legitimate client's next refresh fails too, by design.
      expect(await failure(refresh(victim.refreshToken as string))).toBe('invalid_grant');
    });

    it('attacker refreshes first, then the victim: the victim is refused and the attacker loses everything', async () => {
      const stolen = await codeTokens();
      const attacker = await refresh(stolen.refreshToken as string);
      const further = await refresh(attacker.refreshToken as string);
      expect(await failure(refresh(stolen.refreshToken as string))).toBe('invalid_grant');
      for (const token of [attacker.accessToken, further.accessToken]) {
        await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'revoked' });
      }
      expect(await failure(refresh(further.refreshToken as string))).toBe('invalid_grant');
    });

    it('revokes that authorization only: another consent of the same user and client lives on', async () => {
      const first = await codeTokens();
      const second = await codeTokens();
      await refresh(first.refreshToken as string);
      await failure(refresh(first.refreshToken as string));
      await tokens.verifyAccessToken(second.accessToken);
      await refresh(second.refreshToken as string);
    });

    it('a code presented twice revokes the family it started too (RFC 6749 §4.1.2)', async () => {
      const code = await obtainCode(grants, web, { scope: 'profile' });
      const first = await (
        await grants.codeExchangeRequest({ code, ...credentials(web) })
      ).exchangeForToken();
      const next = await refresh(first.refreshToken as string);
      const again = await grants.codeExchangeRequest({ code, ...credentials(web) });
      expect(await failure(again.exchangeForToken())).toBe('invalid_grant');
      await expect(tokens.verifyAccessToken(next.accessToken)).rejects.toMatchObject({
        reason: 'revoked',
      });
      expect(await failure(refresh(next.refreshToken as string))).toBe('invalid_grant');
    });
  });

  describe('the retry window (reuseGraceSeconds)', () => {
    beforeEach(() => start({ refreshTokens: { ttl: 86400, reuseGraceSeconds: 2 } }));

    it('the previous token works again within the window, without counting as reuse', async () => {
      await startOfSecond();
      const first = await codeTokens();
      const lost = await refresh(first.refreshToken as string);
      const retried = await refresh(first.refreshToken as string);
      await tokens.verifyAccessToken(lost.accessToken);
      // The pair whose answer was lost is replaced: presenting its refresh token is reuse.
      const kept = await refresh(retried.refreshToken as string);
      await tokens.verifyAccessToken(kept.accessToken);
    });

    it('the replaced token presented later is reuse', async () => {
      await startOfSecond();
      const first = await codeTokens();
      const lost = await refresh(first.refreshToken as string);
      const retried = await refresh(first.refreshToken as string);
      expect(await failure(refresh(lost.refreshToken as string))).toBe('invalid_grant');
      expect(await failure(refresh(retried.refreshToken as string))).toBe('invalid_grant');
    });

    it('the previous token once its successor was used is reuse', async () => {
      await startOfSecond();
      const first = await codeTokens();
      const second = await refresh(first.refreshToken as string);
      const third = await refresh(second.refreshToken as string);
      expect(await failure(refresh(first.refreshToken as string))).toBe('invalid_grant');
      expect(await failure(refresh(third.refreshToken as string))).toBe('invalid_grant');
    });

    it('after the window, the previous token is reuse', async () => {
      const first = await codeTokens();
      const second = await refresh(first.refreshToken as string);
      await sleep(3100);
      expect(await failure(refresh(first.refreshToken as string))).toBe('invalid_grant');
      expect(await failure(refresh(second.refreshToken as string))).toBe('invalid_grant');
    });
  });

  describe("the family's lifetime", () => {
    it('ends ttl seconds after the consent, however often it rotated', async () => {
      await start({ refreshTokens: { ttl: 3 } });
      await startOfSecond();
      const first = await codeTokens();
      await sleep(1000);
      const second = await refresh(first.refreshToken as string);
      await sleep(1000);
      const third = await refresh(second.refreshToken as string);
      await sleep(1500);
      expect(await failure(refresh(third.refreshToken as string))).toBe('invalid_grant');
    });

    it('idleTtl ends a family nobody used for that long; each use renews it', async () => {
      // The third use comes a second past idleTtl after the first, so only renewal keeps the
      // family; each gap leaves 1.5 s of slack for a loaded machine.
      await start({ refreshTokens: { ttl: 3600, idleTtl: 4 } });
      await startOfSecond();
      const first = await codeTokens();
      await sleep(2500);
      const second = await refresh(first.refreshToken as string);
      await sleep(2500);
      const third = await refresh(second.refreshToken as string);
      await sleep(6000);
      expect(await failure(refresh(third.refreshToken as string))).toBe('invalid_grant');
    });
  });

  describe("rotation: 'public-clients'", () => {
    beforeEach(() => start({ refreshTokens: { ttl: 86400, rotation: 'public-clients' } }));

    it('a confidential client keeps its refresh token: no refresh_token in the answer', async () => {
      const first = await codeTokens();
      const second = await refresh(first.refreshToken as string);
      expect(second.refreshToken).toBeUndefined();
      expect(second.toJSON()).not.toHaveProperty('refresh_token');
      await refresh(first.refreshToken as string);
    });

    it("a public client's still rotates", async () => {
      const first = await codeTokens(spa);
      const second = await refresh(first.refreshToken as string, spa);
      expect(second.refreshToken).toBeDefined();
      expect(await failure(refresh(first.refreshToken as string, spa))).toBe('invalid_grant');
    });
  });

  describe('revocation and introspection (RFC 7009, RFC 7662)', () => {
    beforeEach(() => start());

    it('revoking a refresh token revokes the access tokens of its authorization', async () => {
      const first = await codeTokens();
      const second = await refresh(first.refreshToken as string);
      expect(await tokens.revokeToken(second.refreshToken as string, { clientId: web.id })).toBe(
        true,
      );
      for (const token of [first.accessToken, second.accessToken]) {
        await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'revoked' });
      }
      expect(await failure(refresh(second.refreshToken as string))).toBe('invalid_grant');
      expect(await tokens.revokeToken(second.refreshToken as string)).toBe(false);
    });

    it('revoking an access token leaves its refresh token alone', async () => {
      const first = await codeTokens();
      expect(await tokens.revokeToken(first.accessToken)).toBe(true);
      const next = await refresh(first.refreshToken as string);
      await tokens.verifyAccessToken(next.accessToken);
    });

    it('another client cannot revoke it (RFC 7009 §2.1)', async () => {
      const first = await codeTokens();
      expect(await tokens.revokeToken(first.refreshToken as string, { clientId: other.id })).toBe(
        false,
      );
      await refresh(first.refreshToken as string);
    });

    it('revokeGrant() ends the refresh tokens too, and counts them', async () => {
      const first = await codeTokens();
      const second = await codeTokens();
      expect(await tokens.revokeGrant('alice', web.id)).toBe(4);
      expect(await failure(refresh(first.refreshToken as string))).toBe('invalid_grant');
      expect(await failure(refresh(second.refreshToken as string))).toBe('invalid_grant');
    });

    it('introspection answers for a live refresh token to its own client only', async () => {
      const first = await codeTokens();
      const own = await tokens.introspect(first.refreshToken as string, web);
      expect(own).toMatchObject({
        active: true,
        token_type: 'refresh_token',
        client_id: web.id,
        sub: 'alice',
        scope: 'profile email',
        tier: 'pro',
      });
      expect(own.active && own.exp).toBeGreaterThan(Date.now() / 1000 + 86000);
      const resourceServer = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://rs.example/cb'],
        resourceServer: true,
      });
      expect(await tokens.introspect(first.refreshToken as string, other)).toEqual({
        active: false,
      });
      expect(await tokens.introspect(first.refreshToken as string, resourceServer)).toEqual({
        active: false,
      });
      await refresh(first.refreshToken as string);
      expect(await tokens.introspect(first.refreshToken as string, web)).toEqual({ active: false });
    });
  });
});
