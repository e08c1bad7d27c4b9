import { ClientService, TokenService } from '../../lib';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { listKeys } from '../support/test-redis';

function grantPart(token: string): string {
  return token.split('.')[0];
}

describe("the deployment's grant-id secret", () => {
  let fixture: OAuthistFixture;

  beforeEach(async () => {
    fixture = await createOAuthistFixture();
  });

  afterEach(() => fixture.close());

  it('is one per deployment: a second process on the same Redis derives the same grant ids', async () => {
    const second = await createOAuthistFixture({ prefix: fixture.prefix });
    try {
      const client = await fixture.module
        .get(ClientService)
        .create({ clientType: 'web', redirectUrls: ['https://c.example/cb'] });
      const here = await fixture.module
        .get(TokenService)
        .issueAccessToken({ clientId: client.id, scopes: [], extras: { userId: 'u' } });
      const there = await second.module
        .get(TokenService)
        .issueAccessToken({ clientId: client.id, scopes: [], extras: { userId: 'u' } });
      expect(grantPart(there.accessToken)).toBe(grantPart(here.accessToken));
      expect(await second.module.get(TokenService).revokeGrant('u', client.id)).toBe(2);
    } finally {
      await second.module.close();
      second.redis.disconnect();
    }
  });

  it('is read again after a reconnection, so a Redis that lost it gets one all processes share', async () => {
    const tokens = fixture.module.get(TokenService);
    const client = await fixture.module
      .get(ClientService)
      .create({ clientType: 'web', redirectUrls: ['https://c.example/cb'] });
    const before = await tokens.issueAccessToken({
      clientId: client.id,
      scopes: [],
      extras: { userId: 'u' },
    });

    // Redis lost the secret, and another process stored a new one first.
    const [secretKey] = await listKeys(fixture.redis, `${fixture.prefix}:*:secret`);
    await fixture.redis.set(secretKey, Buffer.alloc(32, 7).toString('base64url'));
    const connection = fixture.module.get(RedisConnection).client;
    const reconnected = new Promise<void>((resolve) =>
      connection.once('ready', () => setTimeout(resolve, 50)),
    );
    connection.disconnect(true);
    await reconnected;

    const after = await tokens.issueAccessToken({
      clientId: client.id,
      scopes: [],
      extras: { userId: 'u' },
    });
    expect(grantPart(after.accessToken)).not.toBe(grantPart(before.accessToken));
    expect(await tokens.revokeGrant('u', client.id)).toBe(1);
    await expect(tokens.verifyAccessToken(after.accessToken)).rejects.toMatchObject({
      reason: 'revoked',
    });
  });
});
