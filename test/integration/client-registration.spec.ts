import { ClientRegistrationService, ClientService } from '../../lib';
import { sleep } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { dumpKeys } from '../support/test-redis';

const CALLBACK = 'https://client.example/cb';

describe('ClientRegistrationService (RFC 7591)', () => {
  let fixture: OAuthistFixture;
  let registration: ClientRegistrationService;
  let clients: ClientService;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({
      dynamicRegistration: { rateLimit: { maxPerSource: 3, windowSeconds: 60 } },
    });
    registration = fixture.module.get(ClientRegistrationService);
    clients = fixture.module.get(ClientService);
  });
  afterEach(() => fixture.close());

  const register = (metadata: unknown, sourceAddress = '203.0.113.7') =>
    registration.register({ metadata, sourceAddress });

  it('stores a client marked dynamic, with its metadata as attributes (RFC 7591 §3.2.1)', async () => {
    const { client, information } = await register({
      redirect_uris: [CALLBACK],
      client_name: 'Registered',
      contacts: ['ops@client.example'],
    });
    expect(await clients.get(client.id)).toMatchObject({
      origin: 'dynamic',
      clientType: 'web',
      attributes: {
        name: 'Registered',
        contacts: 'ops@client.example',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: 'authorization_code',
        response_types: 'code',
      },
    });
    expect(information).toMatchObject({
      client_name: 'Registered',
      contacts: ['ops@client.example'],
    });
  });

  it('stores the secret only as its hash (RFC 7591 §3.2.1)', async () => {
    const { information } = await register({ redirect_uris: [CALLBACK] });
    const secret = information.client_secret as string;
    expect(secret).toHaveLength(43);
    const dump = JSON.stringify([...(await dumpKeys(fixture.redis, fixture.prefix)).entries()]);
    expect(dump).toContain(information.client_id);
    expect(dump).not.toContain(secret);
    expect(await clients.authenticate(information.client_id, secret)).not.toBeNull();
  });

  it("lists self-registered clients apart from the operator's, oldest first", async () => {
    await clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    const first = await register({ redirect_uris: [CALLBACK] });
    // Clients created in the same millisecond tie, and are listed by id.
    await sleep(2);
    const second = await register({
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
    });
    const listed = await clients.listSelfRegistered();
    expect(listed.map(({ id }) => id)).toEqual([first.client.id, second.client.id]);
    expect(await clients.countSelfRegistered()).toBe(2);
    expect(await clients.count()).toBe(3);
    expect(await clients.listSelfRegistered({ offset: 1, limit: 1 })).toHaveLength(1);
  });

  it('purges the self-registered clients older than a moment, and their index entries', async () => {
    const operator = await clients.create({ clientType: 'web', redirectUrls: [CALLBACK] });
    const old = await register({ redirect_uris: [CALLBACK] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const cutoff = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const recent = await register({ redirect_uris: [CALLBACK] });
    expect(await clients.purgeSelfRegistered({ olderThan: cutoff })).toBe(1);
    expect(await clients.get(old.client.id)).toBeNull();
    expect(await clients.get(recent.client.id)).not.toBeNull();
    expect(await clients.get(operator.id)).not.toBeNull();
    expect((await clients.listSelfRegistered()).map(({ id }) => id)).toEqual([recent.client.id]);
    await clients.delete(recent.client.id);
    expect(await clients.countSelfRegistered()).toBe(0);
  });

  it('refuses a purge without a valid olderThan', async () => {
    await expect(
      clients.purgeSelfRegistered({ olderThan: new Date('nope') }),
    ).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('limits registrations per source, and other sources keep their own budget', async () => {
    for (let i = 0; i < 3; i++) await register({ redirect_uris: [CALLBACK] });
    await expect(register({ redirect_uris: [CALLBACK] })).rejects.toMatchObject({
      error: 'temporarily_unavailable',
      status: 429,
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
    });
    // One IPv6 /64 is one source.
    await register({ redirect_uris: [CALLBACK] }, '2001:db8::1');
    await register({ redirect_uris: [CALLBACK] }, '2001:db8::2');
    await register({ redirect_uris: [CALLBACK] }, '2001:db8::3');
    await expect(register({ redirect_uris: [CALLBACK] }, '2001:db8::4')).rejects.toMatchObject({
      status: 429,
    });
    expect(await clients.countSelfRegistered()).toBe(6);
  });
});
