import { ClientService, GrantService, RegisteredClient, TokenService } from '../../lib';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { pkcePair, queryOf } from '../support/pkce';
import { sleep } from '../support/grants';
import { listKeys } from '../support/test-redis';

describe('revocation at the edges', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let web: RegisteredClient;

  async function acceptedCode(userId: string): Promise<string> {
    const pending = await (await grants.codeRequest({ client_id: web.id })).saveCode();
    return queryOf(await pending.accept({ userId })).code;
  }

  async function exchange(code: string): Promise<string> {
    const request = await grants.codeExchangeRequest({
      code,
      client_id: web.id,
      client_secret: web.secret,
    });
    return (await request.exchangeForToken()).accessToken;
  }

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ accessTokenTtl: 1 });
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    web = await fixture.module
      .get(ClientService)
      .create({ clientType: 'web', redirectUrls: ['https://c.example/cb'] });
  });

  afterEach(() => fixture.close());

  it('revokeGrant also voids codes accepted but not yet exchanged', async () => {
    const code = await acceptedCode('alice');
    expect(await tokens.revokeGrant('alice', web.id)).toBe(0);
    await expect(exchange(code)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revokeGrant leaves the codes of another user alone', async () => {
    const code = await acceptedCode('bob');
    await tokens.revokeGrant('alice', web.id);
    await expect(tokens.verifyAccessToken(await exchange(code))).resolves.toMatchObject({
      userId: 'bob',
    });
  });

  it('counts only live tokens: an expired one is neither revoked nor counted', async () => {
    const token = await exchange(await acceptedCode('carol'));
    await sleep(2100);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'expired' });
    expect(await tokens.revokeAccessToken(token)).toBe(false);
    expect(await tokens.revokeGrant('carol', web.id)).toBe(0);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('a mistake in the extras of accept() does not consume the pending request', async () => {
    const pending = await (await grants.codeRequest({ client_id: web.id })).saveCode();
    await expect(pending.accept({ userId: { nested: true } as unknown as string })).rejects.toThrow(
      TypeError,
    );
    expect(await grants.getPendingAuthorization(pending.id)).not.toBeNull();
    expect(queryOf(await pending.accept({ userId: 'dora' })).code).toBeDefined();
  });
});

describe('bounded pending requests', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let clientId: string;

  beforeAll(async () => {
    fixture = await createOAuthistFixture();
    grants = fixture.module.get(GrantService);
    clientId = (
      await fixture.module
        .get(ClientService)
        .create({ clientType: 'web', redirectUrls: ['https://c.example/cb'] })
    ).id;
  });

  afterAll(() => fixture.close());

  it('refuses a state over 1024 characters, without echoing it back', async () => {
    const request = await grants.codeRequest({ client_id: clientId, state: 's'.repeat(1025) });
    expect(request.isBroken()).toBe(false);
    expect(request.error).toMatchObject({ error: 'invalid_request' });
    expect(queryOf(request.getRedirect())).not.toHaveProperty('state');
  });

  it('refuses a scope over 2048 characters', async () => {
    const request = await grants.codeRequest({
      client_id: clientId,
      scope: 'a '.repeat(1100).trim(),
    });
    expect(request.error).toMatchObject({ error: 'invalid_scope' });
  });

  it('keeps a pending request for pendingAuthorizationTtl (600 s by default)', async () => {
    const pending = await (await grants.codeRequest({ client_id: clientId })).saveCode();
    const keys = await listKeys(fixture.redis, `${fixture.prefix}:pending:*`);
    expect(keys).toHaveLength(1);
    const ttl = await fixture.redis.ttl(keys[0]);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    await pending.decline();
  });
});

describe('deleting a client', () => {
  let fixture: OAuthistFixture;

  beforeAll(async () => {
    fixture = await createOAuthistFixture();
  });

  afterAll(() => fixture.close());

  it('revokes every token issued to it, and leaves other clients alone (RFC 7592 §2.3)', async () => {
    const clients = fixture.module.get(ClientService);
    const grants = fixture.module.get(GrantService);
    const tokens = fixture.module.get(TokenService);
    const doomed = await clients.create({
      clientType: 'web',
      redirectUrls: ['https://c.example/cb'],
    });
    const other = await clients.create({
      clientType: 'web',
      redirectUrls: ['https://c.example/cb'],
    });
    const issue = async (client: RegisteredClient, userId: string): Promise<string> => {
      const pending = await (await grants.codeRequest({ client_id: client.id })).saveCode();
      const { code } = queryOf(await pending.accept({ userId }));
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: client.id,
        client_secret: client.secret,
      });
      return (await exchange.exchangeForToken()).accessToken;
    };
    const alice = await issue(doomed, 'alice');
    const bob = await issue(doomed, 'bob');
    const own = await (
      await grants.clientCredentialsRequest({ client_id: doomed.id, client_secret: doomed.secret })
    ).exchangeForToken();
    const unaffected = await issue(other, 'alice');

    expect(await clients.delete(doomed.id)).toBe(true);
    for (const token of [alice, bob, own.accessToken]) {
      await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'revoked' });
    }
    await expect(tokens.verifyAccessToken(unaffected)).resolves.toMatchObject({ userId: 'alice' });
  });
});

describe('replayed codes of a public client', () => {
  let fixture: OAuthistFixture;

  beforeAll(async () => {
    fixture = await createOAuthistFixture();
  });

  afterAll(() => fixture.close());

  it('revoke the token only when the replay passes the PKCE check (RFC 6749 §4.1.2)', async () => {
    const grants = fixture.module.get(GrantService);
    const tokens = fixture.module.get(TokenService);
    const spa = await fixture.module
      .get(ClientService)
      .create({ clientType: 'user-agent', redirectUrls: ['https://spa.example/cb'] });
    const { verifier, challenge } = pkcePair();
    const request = await grants.codeRequest({
      client_id: spa.id,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const { code } = queryOf(await (await request.saveCode()).accept({ userId: 'erin' }));
    const exchange = (codeVerifier?: string) =>
      grants
        .codeExchangeRequest({ code, client_id: spa.id, code_verifier: codeVerifier })
        .then((r) => r.exchangeForToken());
    const issued = await exchange(verifier);

    // Someone who saw the used code in a URL, but not the verifier, revokes nothing.
    await expect(exchange()).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(exchange(pkcePair().verifier)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(tokens.verifyAccessToken(issued.accessToken)).resolves.toMatchObject({
      userId: 'erin',
    });

    await expect(exchange(verifier)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(tokens.verifyAccessToken(issued.accessToken)).rejects.toMatchObject({
      reason: 'revoked',
    });
  });
});
