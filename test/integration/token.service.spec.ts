import {
  ClientService,
  GrantService,
  InvalidAccessToken,
  IssuedAccessToken,
  OAuthError,
  RegisteredClient,
  TokenService,
} from '../../lib';
import { NEVER_ISSUED, obtainCode, sleep, startOfSecond } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';

async function rejection(promise: Promise<unknown>): Promise<InvalidAccessToken> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidAccessToken);
  return error as InvalidAccessToken;
}

describe('TokenService', () => {
  let fixture: OAuthistFixture;
  let tokens: TokenService;
  let grants: GrantService;
  let web: RegisteredClient;
  let other: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['profile', 'email', 'admin'] });
    tokens = fixture.module.get(TokenService);
    grants = fixture.module.get(GrantService);
    const clients = fixture.module.get(ClientService);
    web = await clients.create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] });
    other = await clients.create({ clientType: 'web', redirectUrls: ['https://other.example/cb'] });
  });

  afterEach(() => fixture.close());

  function issue(
    clientId: string | null,
    scopes: string[] = ['profile', 'email'],
    extras: Record<string, string> = { userId: 'alice' },
  ): Promise<IssuedAccessToken> {
    return tokens.issueAccessToken({ clientId, scopes, extras });
  }

  /** A token obtained the way a client gets one: a code, then its exchange. */
  async function viaCodeFlow(client: RegisteredClient, userId: string): Promise<string> {
    const code = await obtainCode(grants, client, {}, { userId });
    const exchange = await grants.codeExchangeRequest({
      code,
      client_id: client.id,
      client_secret: client.secret,
    });
    return (await exchange.exchangeForToken()).accessToken;
  }

  describe('verifyAccessToken', () => {
    it('passes when the token holds any of the scopes asked for', async () => {
      const { accessToken } = await issue(web.id, ['profile', 'email']);
      const token = await tokens.verifyAccessToken(accessToken, 'admin', 'email');
      expect(token.scopes).toEqual(['profile', 'email']);
      expect(token.scope).toBe('profile email');
      await expect(tokens.verifyAccessToken(accessToken, 'profile')).resolves.toBeDefined();
    });

    it('passes any live token when no scope is asked for', async () => {
      const withScopes = await issue(web.id, ['profile']);
      const withNone = await issue(web.id, []);
      await expect(tokens.verifyAccessToken(withScopes.accessToken)).resolves.toBeDefined();
      const token = await tokens.verifyAccessToken(withNone.accessToken);
      expect(token.scopes).toEqual([]);
    });

    it('returns what the token grants', async () => {
      const issued = await issue(web.id, ['email'], { userId: 'alice', plan: 'gold' });
      const token = await tokens.verifyAccessToken(issued.accessToken);
      expect(token.clientId).toBe(web.id);
      expect(token.userId).toBe('alice');
      expect(token.extras).toEqual({ plan: 'gold' });
      expect(token.expiresAt).toBeNull();
      expect(Math.abs(token.issuedAt.getTime() - Date.now())).toBeLessThan(5000);
    });

    it('insufficient_scope: 403 when it holds none of them (RFC 6750 §3.1)', async () => {
      const { accessToken } = await issue(web.id, ['profile', 'email']);
      const error = await rejection(tokens.verifyAccessToken(accessToken, 'admin', 'billing'));
      expect(error.reason).toBe('insufficient_scope');
      expect(error.error).toBe('insufficient_scope');
      expect(error.status).toBe(403);
      expect(error.requiredScopes).toEqual(['admin', 'billing']);
      const scopeless = await issue(web.id, []);
      const none = await rejection(tokens.verifyAccessToken(scopeless.accessToken, 'profile'));
      expect(none.reason).toBe('insufficient_scope');
    });

    it.each([
      ['a garbage string', 'garbage'],
      ['an empty string', ''],
      ['a token with a bad grant part', `${'A'.repeat(15)}!.${'B'.repeat(43)}`],
      ['a token with a short random part', `${'A'.repeat(16)}.${'B'.repeat(42)}`],
    ])('malformed: %s (RFC 6750 §3.1 invalid_token)', async (_, token) => {
      const error = await rejection(tokens.verifyAccessToken(token));
      expect(error.reason).toBe('malformed');
      expect(error.error).toBe('invalid_token');
      expect(error.status).toBe(401);
      expect(error).toBeInstanceOf(OAuthError);
    });

    it('unknown: well-formed but never issued', async () => {
      const error = await rejection(tokens.verifyAccessToken(NEVER_ISSUED, 'profile'));
      expect(error.reason).toBe('unknown');
      expect(error.error).toBe('invalid_token');
      expect(error.status).toBe(401);
    });

    it('unknown: a real token with its random part changed', async () => {
      const { accessToken } = await issue(web.id);
      const forged =
        accessToken.slice(0, 17) + (accessToken[17] === 'A' ? 'B' : 'A') + accessToken.slice(18);
      expect((await rejection(tokens.verifyAccessToken(forged))).reason).toBe('unknown');
    });

    it('revoked: after revokeAccessToken', async () => {
      const { accessToken } = await issue(web.id);
      expect(await tokens.revokeAccessToken(accessToken)).toBe(true);
      const error = await rejection(tokens.verifyAccessToken(accessToken));
      expect(error.reason).toBe('revoked');
      expect(error.error).toBe('invalid_token');
      expect(error.status).toBe(401);
    });
  });

  describe('revokeAccessToken (RFC 7009)', () => {
    it('returns true, then false', async () => {
      const { accessToken } = await issue(web.id);
      expect(await tokens.revokeAccessToken(accessToken)).toBe(true);
      expect(await tokens.revokeAccessToken(accessToken)).toBe(false);
    });

    it('returns false for unknown and malformed tokens', async () => {
      expect(await tokens.revokeAccessToken(NEVER_ISSUED)).toBe(false);
      expect(await tokens.revokeAccessToken('garbage')).toBe(false);
    });

    it('leaves other tokens alone', async () => {
      const first = await issue(web.id);
      const second = await issue(web.id);
      await tokens.revokeAccessToken(first.accessToken);
      await expect(tokens.verifyAccessToken(second.accessToken)).resolves.toBeDefined();
    });

    it('with the clientId of another client: false, and the token stays alive (RFC 7009 §2.1)', async () => {
      const { accessToken } = await issue(web.id);
      expect(await tokens.revokeAccessToken(accessToken, { clientId: other.id })).toBe(false);
      await expect(tokens.verifyAccessToken(accessToken)).resolves.toBeDefined();
      expect(await tokens.revokeAccessToken(accessToken, { clientId: web.id })).toBe(true);
      expect((await rejection(tokens.verifyAccessToken(accessToken))).reason).toBe('revoked');
    });

    it('with a clientId, an anonymous token is nobody’s to revoke', async () => {
      const { accessToken } = await issue(null);
      expect(await tokens.revokeAccessToken(accessToken, { clientId: web.id })).toBe(false);
      await expect(tokens.verifyAccessToken(accessToken)).resolves.toBeDefined();
    });
  });

  describe('revokeGrant', () => {
    it('revokes every token of one user for one client and nothing else', async () => {
      const aliceWeb = [
        (await issue(web.id, ['profile'], { userId: 'alice' })).accessToken,
        (await issue(web.id, ['email'], { userId: 'alice', device: 'phone' })).accessToken,
        await viaCodeFlow(web, 'alice'),
      ];
      const aliceOther = await viaCodeFlow(other, 'alice');
      const bobWeb = (await issue(web.id, ['profile'], { userId: 'bob' })).accessToken;
      const webItself = (await issue(web.id, ['profile'], {})).accessToken;

      expect(await tokens.revokeGrant('alice', web.id)).toBe(3);

      for (const token of aliceWeb) {
        expect((await rejection(tokens.verifyAccessToken(token))).reason).toBe('revoked');
      }
      for (const token of [aliceOther, bobWeb, webItself]) {
        await expect(tokens.verifyAccessToken(token)).resolves.toBeDefined();
      }
      expect(await tokens.revokeGrant('alice', web.id)).toBe(0);
    });

    it('does not count a token revoked before', async () => {
      const first = await issue(web.id);
      await issue(web.id);
      await tokens.revokeAccessToken(first.accessToken);
      expect(await tokens.revokeGrant('alice', web.id)).toBe(1);
    });

    it('is 0 for a user who granted nothing', async () => {
      await issue(web.id);
      expect(await tokens.revokeGrant('nobody', web.id)).toBe(0);
    });

    it('leaves a token issued afterwards alive', async () => {
      await issue(web.id);
      await tokens.revokeGrant('alice', web.id);
      const later = await issue(web.id);
      await expect(tokens.verifyAccessToken(later.accessToken)).resolves.toBeDefined();
      expect(await tokens.revokeGrant('alice', web.id)).toBe(1);
    });
  });

  describe('introspect (RFC 7662 §2.2)', () => {
    it('describes a live token', async () => {
      const issued = await issue(web.id, ['profile', 'email'], { userId: 'alice', plan: 'gold' });
      const claims = await tokens.introspect(issued.accessToken);
      expect(claims).toEqual({
        active: true,
        scope: 'profile email',
        client_id: web.id,
        token_type: 'Bearer',
        iat: Math.floor(issued.token.issuedAt.getTime() / 1000),
        sub: 'alice',
        plan: 'gold',
      });
      expect(claims).not.toHaveProperty('exp');
    });

    it.each([
      ['unknown', NEVER_ISSUED],
      ['malformed', 'garbage'],
    ])('is { active: false } for a %s token', async (_, token) => {
      expect(await tokens.introspect(token)).toEqual({ active: false });
    });

    it('is { active: false } for a revoked token', async () => {
      const { accessToken } = await issue(web.id);
      await tokens.revokeAccessToken(accessToken);
      expect(await tokens.introspect(accessToken)).toEqual({ active: false });
    });

    it('does not let an extra named like a standard claim override it', async () => {
      const issued = await issue(web.id, ['profile'], {
        userId: 'alice',
        active: 'false',
        client_id: 'mallory-client',
        scope: 'admin',
        token_type: 'mac',
        sub: 'mallory',
        iat: '1',
        exp: '1',
        plan: 'gold',
      });
      const claims = await tokens.introspect(issued.accessToken);
      expect(claims).toMatchObject({
        active: true,
        client_id: web.id,
        scope: 'profile',
        token_type: 'Bearer',
        sub: 'alice',
        iat: Math.floor(issued.token.issuedAt.getTime() / 1000),
        plan: 'gold',
      });
      // The token never expires: a forged exp must not make it look like it does.
      expect(claims).not.toHaveProperty('exp');
    });

    it('gives an anonymous token without user neither client_id nor sub, whatever its extras', async () => {
      const { accessToken } = await issue(null, ['profile'], {
        client_id: 'mallory-client',
        sub: 'mallory',
      });
      const claims = await tokens.introspect(accessToken);
      expect(claims.active).toBe(true);
      expect(claims).not.toHaveProperty('client_id');
      expect(claims).not.toHaveProperty('sub');
    });
  });

  describe('with accessTokenTtl: 1', () => {
    let shortFixture: OAuthistFixture;
    let shortTokens: TokenService;

    beforeEach(async () => {
      shortFixture = await createOAuthistFixture({ accessTokenTtl: 1 });
      shortTokens = shortFixture.module.get(TokenService);
    });

    afterEach(() => shortFixture.close());

    it('expires: verify says expired, introspection says inactive', async () => {
      await startOfSecond();
      const issued = await shortTokens.issueAccessToken({
        clientId: web.id,
        scopes: ['profile'],
        extras: { userId: 'alice' },
      });
      expect(issued.expiresIn).toBe(1);
      const live = await shortTokens.introspect(issued.accessToken);
      const iat = Math.floor(issued.token.issuedAt.getTime() / 1000);
      expect(live).toMatchObject({ active: true, iat, sub: 'alice' });
      // Times are whole seconds and a token never lives less than its TTL: it ends with the
      // second after iat + TTL when it was issued partway through a second.
      const exp = (live as { exp: number }).exp;
      expect(exp - iat).toBeGreaterThanOrEqual(1);
      expect(exp - iat).toBeLessThanOrEqual(2);
      expect(exp * 1000 - Date.now()).toBeGreaterThan(900);
      await expect(shortTokens.verifyAccessToken(issued.accessToken)).resolves.toBeDefined();

      await sleep(2100);
      const error = await rejection(shortTokens.verifyAccessToken(issued.accessToken));
      expect(error.reason).toBe('expired');
      expect(error.error).toBe('invalid_token');
      expect(await shortTokens.introspect(issued.accessToken)).toEqual({ active: false });
    });
  });
});
