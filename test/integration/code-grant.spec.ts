import { ClientService, GrantService, RegisteredClient, TokenService } from '../../lib';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { pkcePair, queryOf } from '../support/pkce';
import { dumpKeys } from '../support/test-redis';

describe('authorization code grant (RFC 6749 §4.1)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let web: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['profile', 'email'] });
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    web = await fixture.module.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
  });

  afterEach(() => fixture.close());

  it('runs the manual lifecycle: load, save, accept, exchange, verify', async () => {
    const request = await grants.codeRequest({
      client_id: web.id,
      redirect_uri: 'https://client.example/cb',
      scope: 'profile',
      state: 'xyz',
    });
    expect(request.isBroken()).toBe(false);
    expect(request.isInvalid()).toBe(false);

    const pending = await request.saveCode({ userId: 'alice' });
    const loaded = await grants.getPendingAuthorization(pending.id);
    expect(loaded?.client.id).toBe(web.id);
    expect(loaded?.scopes).toEqual(['profile']);

    const redirect = await (loaded ?? pending).accept({ plan: 'gold' });
    const { code, state } = queryOf(redirect);
    expect(redirect.startsWith('https://client.example/cb?')).toBe(true);
    expect(state).toBe('xyz');

    const exchange = await grants.codeExchangeRequest({
      code,
      client_id: web.id,
      client_secret: web.secret,
      redirect_uri: 'https://client.example/cb',
    });
    expect(exchange.isInvalid()).toBe(false);
    const issued = await exchange.exchangeForToken();
    expect(issued.toJSON()).toEqual({
      access_token: issued.accessToken,
      token_type: 'Bearer',
      scope: 'profile',
    });

    const token = await tokens.verifyAccessToken(issued.accessToken, 'profile');
    expect(token.userId).toBe('alice');
    expect(token.extras).toEqual({ plan: 'gold' });
    expect(token.clientId).toBe(web.id);

    const dump = await dumpKeys(fixture.redis, fixture.prefix);
    for (const [key, content] of dump) {
      for (const secret of [issued.accessToken, code, pending.id, web.secret as string]) {
        expect(key).not.toContain(secret);
        expect(content).not.toContain(secret);
      }
    }
  });

  it('gives exactly one token for 25 parallel exchanges of one code', async () => {
    const pending = await (await grants.codeRequest({ client_id: web.id })).saveCode();
    const { code } = queryOf(await pending.accept({ userId: 'bob' }));
    const attempts = await Promise.all(
      Array.from({ length: 25 }, async () => {
        const exchange = await grants.codeExchangeRequest({
          code,
          client_id: web.id,
          client_secret: web.secret,
        });
        return exchange.exchangeForToken().then(
          (issued) => issued.accessToken,
          (error: { error: string }) => error.error,
        );
      }),
    );
    const issued = attempts.filter((result) => result !== 'invalid_grant');
    expect(issued).toHaveLength(1);
    // The losers replayed the code, which revoked the winner's token (RFC 6749 §4.1.2).
    await expect(tokens.verifyAccessToken(issued[0])).rejects.toMatchObject({ reason: 'revoked' });
  });

  it('requires and checks PKCE for a public client (RFC 7636)', async () => {
    const spa = await fixture.module.get(ClientService).create({
      clientType: 'user-agent',
      redirectUrls: ['https://spa.example/cb'],
    });
    const without = await grants.codeRequest({ client_id: spa.id });
    expect(without.isBroken()).toBe(false);
    expect(without.isInvalid()).toBe(true);
    expect(queryOf(without.getRedirect())).toMatchObject({ error: 'invalid_request' });

    const { verifier, challenge } = pkcePair();
    const request = await grants.codeRequest({
      client_id: spa.id,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(request.isInvalid()).toBe(false);
    const { code } = queryOf(await (await request.saveCode()).accept({ userId: 'carol' }));

    const wrong = await grants.codeExchangeRequest({
      code,
      client_id: spa.id,
      code_verifier: pkcePair().verifier,
    });
    await expect(wrong.exchangeForToken()).rejects.toMatchObject({ error: 'invalid_grant' });
    const missing = await grants.codeExchangeRequest({ code, client_id: spa.id });
    await expect(missing.exchangeForToken()).rejects.toMatchObject({ error: 'invalid_grant' });

    const right = await grants.codeExchangeRequest({
      code,
      client_id: spa.id,
      code_verifier: verifier,
    });
    const issued = await right.exchangeForToken();
    expect((await tokens.verifyAccessToken(issued.accessToken)).userId).toBe('carol');
  });
});
