import { ClientService, GrantService, RegisteredClient, TokenService } from '../../lib';
import type { IntrospectionPolicy } from '../../lib';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';

/** RFC 7662 §4: which client may read which token's claims is the server's policy. */
describe('the introspection policy', () => {
  let fixture: OAuthistFixture | undefined;

  afterEach(() => fixture?.close());

  async function setUp(introspectionPolicy?: IntrospectionPolicy): Promise<{
    tokens: TokenService;
    web: RegisteredClient;
    other: RegisteredClient;
    token: string;
  }> {
    fixture = await createOAuthistFixture(introspectionPolicy ? { introspectionPolicy } : {});
    const clients = fixture.module.get(ClientService);
    const web = await clients.create({ clientType: 'web', redirectUrls: ['https://w.example/cb'] });
    const other = await clients.create({
      clientType: 'web',
      redirectUrls: ['https://o.example/cb'],
    });
    const issued = await (
      await fixture.module.get(GrantService).clientCredentialsRequest({
        client_id: web.id,
        client_secret: web.secret,
      })
    ).exchangeForToken();
    return { tokens: fixture.module.get(TokenService), web, other, token: issued.accessToken };
  }

  it('by default shows a token to its own client, and to no other', async () => {
    const { tokens, web, other, token } = await setUp();
    expect(await tokens.introspect(token, web)).toMatchObject({ active: true, client_id: web.id });
    expect(await tokens.introspect(token, other)).toEqual({ active: false });
    // The application's own call, with no caller, sees every token.
    expect(await tokens.introspect(token)).toMatchObject({ active: true });
  });

  it("takes the application's policy instead, given the caller and the token", async () => {
    const asked: [string, string | null][] = [];
    const { tokens, web, other, token } = await setUp((caller, seen) => {
      asked.push([caller.id, seen.clientId]);
      return caller.attributes.team === undefined;
    });
    expect(await tokens.introspect(token, other)).toMatchObject({ active: true });
    expect(asked).toEqual([[other.id, web.id]]);
  });

  it('registers and unregisters a resource server, which reads every token', async () => {
    const { tokens, other, token } = await setUp();
    const clients = (fixture as OAuthistFixture).module.get(ClientService);
    expect(other.resourceServer).toBe(false);
    const api = await clients.update(other.id, { resourceServer: true });
    expect(api?.resourceServer).toBe(true);
    expect(await tokens.introspect(token, api ?? undefined)).toMatchObject({ active: true });
    await expect(
      clients.update(other.id, { resourceServer: 'yes' as unknown as boolean }),
    ).rejects.toMatchObject({ error: 'invalid_client_metadata' });
  });
});
