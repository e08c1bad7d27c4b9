import {
  AttributeValue,
  ClientService,
  GrantService,
  RegisteredClient,
  TokenService,
  UserCredentialsVerifier,
} from '../../lib';
import { errorOf } from '../support/grants';
import { withVerifier } from '../support/module-options';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { fragmentOf, queryOf } from '../support/pkce';

/** The password check of the manual: `{'user_id': user.id}`, or what the test sets. */
class ManualVerifier implements UserCredentialsVerifier {
  result: Readonly<Record<string, AttributeValue>> | null = { user_id: 1234 };

  verify(): Readonly<Record<string, AttributeValue>> | null {
    return this.result;
  }
}

// The user who grants is part of the grant, whichever way the application names it, so that
// revokeGrant(userId, clientId) finds every token of that user for that client.
describe('the user who grants', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let web: RegisteredClient;
  const verifier = new ManualVerifier();

  beforeEach(async () => {
    verifier.result = { user_id: 1234 };
    fixture = await createOAuthistFixture({ implicitGrant: true, ...withVerifier(verifier) });
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    web = await fixture.module.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://web.example/cb'],
    });
  });

  afterEach(() => fixture.close());

  async function pending(saved?: Record<string, AttributeValue>) {
    const request = await grants.codeRequest({ client_id: web.id, scope: 'profile' });
    return request.saveCode(saved);
  }

  async function exchange(redirect: string): Promise<string> {
    const { code } = queryOf(redirect);
    const request = await grants.codeExchangeRequest({
      code,
      client_id: web.id,
      client_secret: web.secret,
    });
    return (await request.exchangeForToken()).accessToken;
  }

  describe('through the code grant', () => {
    it("in the manual's spelling: saveCode({ user_id }), then revokeGrant(user_id, client_id)", async () => {
      const saved = await pending({ user_id: 1234, name: 'dora' });
      const accessToken = await exchange(await saved.accept());
      const token = await tokens.verifyAccessToken(accessToken);
      expect(token.userId).toBe('1234');
      expect(token.extras).toEqual({ name: 'dora' });
      expect(await tokens.introspect(accessToken)).toMatchObject({ sub: '1234' });
      expect(await tokens.revokeGrant(1234, web.id)).toBe(1);
      await expect(tokens.verifyAccessToken(accessToken)).rejects.toMatchObject({
        reason: 'revoked',
      });
    });

    it('in the TypeScript spelling: accept({ userId }), then revokeGrant(userId, clientId)', async () => {
      const accessToken = await exchange(await (await pending()).accept({ userId: 'dora' }));
      expect((await tokens.verifyAccessToken(accessToken)).userId).toBe('dora');
      expect(await tokens.revokeGrant('dora', web.id)).toBe(1);
    });

    it('in a mix: saved as user_id, accepted as userId, revoked by either form', async () => {
      const first = await exchange(
        await (await pending({ user_id: 42 })).accept({ userId: '42', plan: 'gold' }),
      );
      const second = await exchange(await (await pending({ userId: 42 })).accept({ user_id: 42 }));
      for (const accessToken of [first, second]) {
        expect((await tokens.verifyAccessToken(accessToken)).userId).toBe('42');
      }
      expect(await tokens.revokeGrant('42', web.id)).toBe(2);
      const third = await exchange(await (await pending()).accept({ user_id: '42' }));
      expect(await tokens.revokeGrant(42, web.id)).toBe(1);
      await expect(tokens.verifyAccessToken(third)).rejects.toMatchObject({ reason: 'revoked' });
    });

    it('accept() with no user, saved or given, is a TypeError that consumes nothing', async () => {
      const saved = await pending({ plan: 'gold' });
      await expect(saved.accept()).rejects.toThrow(TypeError);
      await expect(saved.accept({ plan: 'silver' })).rejects.toThrow(
        /accept\(\) needs the user who grants/,
      );
      // Still waiting: the user can be named now.
      const accessToken = await exchange(await saved.accept({ userId: 'erin' }));
      expect((await tokens.verifyAccessToken(accessToken)).extras).toEqual({ plan: 'gold' });
    });

    it.each([
      ['a near-miss spelling', { userID: 'dora' }, /looks like the user's id/],
      ['another near miss', { user_ID: 'dora' }, /looks like the user's id/],
      ['two different users', { userId: 'dora', user_id: 'erin' }, /two users/],
      ['an empty user id', { userId: '' }, /must be the user's id/],
      ['a boolean user id', { user_id: true }, /must be the user's id/],
      ['a user id that is not a finite number', { userId: Number.NaN }, /must be the user's id/],
    ])('%s is a TypeError, on saving and on accepting', async (_name, extras, message) => {
      const request = await grants.codeRequest({ client_id: web.id });
      await expect(request.saveCode(extras)).rejects.toThrow(message);
      const saved = await pending();
      await expect(saved.accept(extras)).rejects.toThrow(message);
      await expect(saved.accept(extras)).rejects.toThrow(TypeError);
      // Nothing was taken: the request can still be answered.
      expect(await grants.getPendingAuthorization(saved.id)).not.toBeNull();
    });

    it('a pending request read back by id still knows its user', async () => {
      const saved = await pending({ user_id: 'frank' });
      const loaded = await grants.getPendingAuthorization(saved.id);
      expect(loaded?.userId).toBe('frank');
      expect(loaded?.extras).toEqual({});
      const accessToken = await exchange(await (loaded as NonNullable<typeof loaded>).accept());
      expect(await tokens.revokeGrant('frank', web.id)).toBe(1);
      await expect(tokens.verifyAccessToken(accessToken)).rejects.toMatchObject({
        reason: 'revoked',
      });
    });
  });

  describe('through the implicit grant (RFC 6749 §4.2)', () => {
    async function implicitRequest() {
      const spa = await fixture.module.get(ClientService).create({
        clientType: 'user-agent',
        redirectUrls: ['https://spa.example/cb'],
      });
      return { spa, request: await grants.accessTokenRequest({ client_id: spa.id }) };
    }

    it("takes the manual's user_id and the TypeScript userId alike", async () => {
      const { spa, request } = await implicitRequest();
      const manual = fragmentOf(await request.accept({ user_id: 7 }));
      const typed = fragmentOf(await request.accept({ userId: '7' }));
      expect((await tokens.verifyAccessToken(manual.access_token)).userId).toBe('7');
      expect(await tokens.revokeGrant(7, spa.id)).toBe(2);
      await expect(tokens.verifyAccessToken(typed.access_token)).rejects.toMatchObject({
        reason: 'revoked',
      });
    });

    it('accept() without a user is a TypeError and issues nothing', async () => {
      const { request } = await implicitRequest();
      await expect(request.accept()).rejects.toThrow(/needs the user who grants/);
      await expect(request.accept({ uid: 'x' })).rejects.toThrow(TypeError);
    });
  });

  describe('through the password grant (RFC 6749 §4.3)', () => {
    async function passwordRequest() {
      return grants.passwordExchangeRequest({
        username: 'dora',
        password: 'secret',
        client_id: web.id,
        client_secret: web.secret,
      });
    }

    it("takes the user_id of the manual's verify_requisites", async () => {
      const issued = await (await passwordRequest()).exchangeForToken();
      expect(issued.token.userId).toBe('1234');
      expect(await tokens.revokeGrant(1234, web.id)).toBe(1);
    });

    it('a verifier that names no user is the application’s mistake: a TypeError, no token', async () => {
      verifier.result = { plan: 'gold' };
      await expect(passwordRequest()).rejects.toThrow(
        /the UserCredentialsVerifier needs the user who grants/,
      );
      verifier.result = null;
      expect(errorOf(await passwordRequest()).error).toBe('invalid_grant');
    });
  });

  describe('revokeGrant(userId, clientId)', () => {
    it.each([
      ['no user', undefined, 'client'],
      ['a null user', null, 'client'],
      ['an empty user', '', 'client'],
      ['a user that is an object', { id: 1 }, 'client'],
      ['no client', 'dora', undefined],
      ['an empty client', 'dora', ''],
    ])('with %s is a TypeError, never a revocation of nothing', async (_name, userId, clientId) => {
      const revoke = tokens.revokeGrant.bind(tokens) as (
        user: unknown,
        client: unknown,
      ) => Promise<number>;
      await expect(revoke(userId, clientId === 'client' ? web.id : clientId)).rejects.toThrow(
        TypeError,
      );
    });

    it("leaves a client's own tokens alone (they have no user)", async () => {
      const own = await tokens.issueAccessToken({ clientId: web.id, scopes: [] });
      expect(await tokens.revokeGrant('dora', web.id)).toBe(0);
      expect((await tokens.verifyAccessToken(own.accessToken)).userId).toBeUndefined();
    });

    it('issueAccessToken() takes the user as userId, or among the extras in either spelling', async () => {
      const a = await tokens.issueAccessToken({ clientId: web.id, scopes: [], userId: 'gus' });
      const b = await tokens.issueAccessToken({
        clientId: web.id,
        scopes: [],
        extras: { user_id: 'gus' },
      });
      expect([a.token.userId, b.token.userId]).toEqual(['gus', 'gus']);
      expect(b.token.extras).toEqual({});
      await expect(
        tokens.issueAccessToken({
          clientId: web.id,
          scopes: [],
          userId: 'gus',
          extras: { userId: 'hal' },
        }),
      ).rejects.toThrow(TypeError);
      expect(await tokens.revokeGrant('gus', web.id)).toBe(2);
    });
  });
});
