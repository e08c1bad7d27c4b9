import { ClientService, OAuthError, TokenService } from '../../lib';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { dumpKeys } from '../support/test-redis';

describe('ClientService', () => {
  let fixture: OAuthistFixture;
  let clients: ClientService;

  beforeEach(async () => {
    fixture = await createOAuthistFixture();
    clients = fixture.module.get(ClientService);
  });

  afterEach(() => fixture.close());

  describe('create and get', () => {
    it('registers a web client with a 256-bit secret returned once', async () => {
      const created = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
        attributes: { name: 'My Client', userId: 1234 },
      });
      expect(created.id).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.isConfidential).toBe(true);
      expect(created.attributes).toEqual({ name: 'My Client', userId: '1234' });

      const loaded = await clients.get(created.id);
      expect(loaded).toEqual({ ...created, secret: undefined, createdAt: created.createdAt });
      expect(loaded).not.toHaveProperty('secret');
    });

    it.each(['user-agent', 'native'] as const)(
      'registers a public %s client without a secret',
      async (clientType) => {
        const created = await clients.create({
          clientType,
          redirectUrls: ['http://127.0.0.1:7000/cb'],
        });
        expect(created.secret).toBeUndefined();
        expect(created.isConfidential).toBe(false);
      },
    );

    it('gives every client a different id', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) {
        ids.add(
          (await clients.create({ clientType: 'native', redirectUrls: ['app.example:/cb'] })).id,
        );
      }
      expect(ids.size).toBe(20);
    });

    it('gives ids a command line cannot take for an option: never a leading - or _', async () => {
      // Drawn plainly, one id in 32 starts with one: 300 would all miss it once in 12,000 runs.
      const created = await Promise.all(
        Array.from({ length: 300 }, () =>
          clients.create({ clientType: 'native', redirectUrls: ['app.example:/cb'] }),
        ),
      );
      for (const { id } of created) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
    });

    it('answers null for an unknown or malformed id', async () => {
      expect(await clients.get('no-such-client')).toBeNull();
      expect(await clients.get('')).toBeNull();
      expect(await clients.get('{x}:*')).toBeNull();
      expect(await clients.get('\ud800')).toBeNull();
    });

    it('refuses an unknown client type', async () => {
      await expect(
        clients.create({
          clientType: 'robot' as 'web',
          redirectUrls: ['https://client.example/cb'],
        }),
      ).rejects.toMatchObject({ error: 'invalid_client_metadata' });
    });

    it('refuses a client without redirect URLs (RFC 6749 §3.1.2.2)', async () => {
      await expect(clients.create({ clientType: 'web', redirectUrls: [] })).rejects.toMatchObject({
        error: 'invalid_redirect_uri',
      });
    });

    it.each([
      ['a relative URL', '/cb'],
      ['a fragment', 'https://client.example/cb#x'],
      ['plain http to a remote host', 'http://client.example/cb'],
      ['a custom scheme for a web client', 'com.example.app:/cb'],
      ['a javascript: URL', 'javascript:alert(1)'],
      // Sent raw in Location later, these name a host differently to different parsers.
      ['a backslash before user info', 'https://x.example.com\\@evil.com/'],
      ['a scheme without //', 'https:x.example.com'],
    ])('refuses %s with a clear error and stores nothing', async (_, url) => {
      const error = await clients
        .create({ clientType: 'web', redirectUrls: ['https://client.example/ok', url] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OAuthError);
      expect(error).toMatchObject({ error: 'invalid_redirect_uri' });
      // error_description has no room for a backslash (RFC 6749 §5.2): it reads as a slash.
      expect((error as OAuthError).description).toContain(`'${url.replace(/\\/g, '/')}'`);
      expect(await clients.count()).toBe(0);
    });

    it.each([
      ['an object', { nested: true }],
      ['a non-finite number', Number.NaN],
      ['malformed Unicode', '\udc00'],
    ])('refuses an attribute holding %s', async (_, value) => {
      await expect(
        clients.create({
          clientType: 'web',
          redirectUrls: ['https://client.example/cb'],
          attributes: { bad: value as unknown as string },
        }),
      ).rejects.toMatchObject({ error: 'invalid_client_metadata' });
    });
  });

  describe('find', () => {
    const awkward = ['a:b', '{tag}', 'star*', 'two words', 'ünïcødé ☃', 'x'.repeat(300)];

    it('finds clients by one attribute, like tags', async () => {
      const a = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://a.example/cb'],
        attributes: { userId: 1234 },
      });
      const b = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://b.example/cb'],
        attributes: { userId: '1234' },
      });
      await clients.create({
        clientType: 'web',
        redirectUrls: ['https://c.example/cb'],
        attributes: { userId: 99 },
      });

      const found = await clients.find({ userId: 1234 });
      expect(found.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    });

    it('finds clients matching every one of two attributes', async () => {
      const both = await clients.create({
        clientType: 'native',
        redirectUrls: ['app.example:/cb'],
        attributes: { team: 'red', tier: 'gold' },
      });
      await clients.create({
        clientType: 'native',
        redirectUrls: ['app.example:/cb'],
        attributes: { team: 'red', tier: 'free' },
      });
      await clients.create({
        clientType: 'native',
        redirectUrls: ['app.example:/cb'],
        attributes: { team: 'blue', tier: 'gold' },
      });

      expect((await clients.find({ team: 'red', tier: 'gold' })).map((c) => c.id)).toEqual([
        both.id,
      ]);
      expect(await clients.find({ team: 'green', tier: 'gold' })).toEqual([]);
    });

    it.each(awkward)('finds by a value holding key syntax or unicode: %j', async (value) => {
      const created = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
        attributes: { [`k ${value.slice(0, 20)}`]: value },
      });
      await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
        attributes: { [`k ${value.slice(0, 20)}`]: `${value}x` },
      });

      const found = await clients.find({ [`k ${value.slice(0, 20)}`]: value });
      expect(found.map((c) => c.id)).toEqual([created.id]);
      expect(found[0].attributes[`k ${value.slice(0, 20)}`]).toBe(value);
    });

    it('keeps values apart that differ only by characters the escaping touches', async () => {
      const colon = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://a.example/cb'],
        attributes: { k: 'a:b' },
      });
      const percent = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://a.example/cb'],
        attributes: { k: 'a%3Ab' },
      });
      expect((await clients.find({ k: 'a:b' })).map((c) => c.id)).toEqual([colon.id]);
      expect((await clients.find({ k: 'a%3Ab' })).map((c) => c.id)).toEqual([percent.id]);
    });

    it('needs at least one attribute', async () => {
      await expect(clients.find({})).rejects.toMatchObject({ error: 'invalid_request' });
    });
  });

  describe('list', () => {
    it('pages through clients oldest first', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          (await clients.create({ clientType: 'native', redirectUrls: ['app.example:/cb'] })).id,
        );
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(await clients.count()).toBe(5);
      expect((await clients.list({ limit: 2 })).map((c) => c.id)).toEqual(ids.slice(0, 2));
      expect((await clients.list({ offset: 2, limit: 2 })).map((c) => c.id)).toEqual(
        ids.slice(2, 4),
      );
      expect((await clients.list({ offset: 4 })).map((c) => c.id)).toEqual(ids.slice(4));
      expect(await clients.list({ offset: 10 })).toEqual([]);
    });

    it.each([{ offset: -1 }, { limit: 0 }, { limit: 5000 }, { offset: 1.5 }])(
      'refuses %j',
      async (options) => {
        await expect(clients.list(options)).rejects.toMatchObject({ error: 'invalid_request' });
      },
    );
  });

  describe('update', () => {
    it('changes redirect URLs and attributes and moves the index entries', async () => {
      const created = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
        attributes: { owner: 'alice', plan: 'free' },
      });
      const updated = await clients.update(created.id, {
        redirectUrls: ['https://client.example/new'],
        attributes: { owner: 'bob', plan: null, region: 'eu' },
      });
      expect(updated).toMatchObject({
        redirectUrls: ['https://client.example/new'],
        attributes: { owner: 'bob', region: 'eu' },
      });
      expect(await clients.find({ owner: 'alice' })).toEqual([]);
      expect(await clients.find({ plan: 'free' })).toEqual([]);
      expect((await clients.find({ owner: 'bob', region: 'eu' })).map((c) => c.id)).toEqual([
        created.id,
      ]);
    });

    it('answers null for an unknown client and creates nothing', async () => {
      expect(await clients.update('missing', { attributes: { a: 'b' } })).toBeNull();
      expect(await clients.find({ a: 'b' })).toEqual([]);
    });

    it('validates new redirect URLs against the client type', async () => {
      const created = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      await expect(
        clients.update(created.id, { redirectUrls: ['app.example:/cb'] }),
      ).rejects.toMatchObject({
        error: 'invalid_redirect_uri',
      });
      expect((await clients.get(created.id))?.redirectUrls).toEqual(['https://client.example/cb']);
    });
  });

  describe('delete', () => {
    it('removes the client and every index entry', async () => {
      const created = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
        attributes: { owner: 'alice', 'odd:name': '{x}' },
      });
      expect(await clients.delete(created.id)).toBe(true);
      expect(await clients.get(created.id)).toBeNull();
      expect(await clients.find({ owner: 'alice' })).toEqual([]);
      expect(await clients.count()).toBe(0);
      const left = [...(await dumpKeys(fixture.redis, fixture.prefix)).entries()];
      expect(left.filter(([, content]) => content.includes(created.id))).toEqual([]);
      expect(await clients.delete(created.id)).toBe(false);
    });

    it('revokes, when called again, a token stored after the first call walked the grants', async () => {
      // As a token request that authenticated just before the deletion would store one.
      const tokens = fixture.module.get(TokenService);
      const created = await clients.create({ clientType: 'web', redirectUrls: ['https://c/cb'] });
      const issue = (userId: string): Promise<string> =>
        tokens
          .issueAccessToken({ clientId: created.id, scopes: [], extras: { userId } })
          .then((issued) => issued.accessToken);
      const before = await issue('alice');
      expect(await clients.delete(created.id)).toBe(true);
      await expect(tokens.verifyAccessToken(before)).rejects.toMatchObject({ reason: 'revoked' });
      const late = await issue('bob');
      await expect(tokens.verifyAccessToken(late)).resolves.toMatchObject({ userId: 'bob' });
      expect(await clients.delete(created.id)).toBe(false);
      await expect(tokens.verifyAccessToken(late)).rejects.toMatchObject({ reason: 'revoked' });
    });
  });

  describe('secrets', () => {
    it('stores a web client secret nowhere in Redis', async () => {
      const created = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      const rotated = await clients.rotateSecret(created.id);
      const dump = await dumpKeys(fixture.redis, fixture.prefix);
      expect(dump.size).toBeGreaterThan(0);
      for (const [key, content] of dump) {
        for (const secret of [created.secret, rotated?.secret] as string[]) {
          expect(key).not.toContain(secret);
          expect(content).not.toContain(secret);
        }
      }
    });

    it('authenticates the right secret and refuses a wrong one (RFC 6749 §2.3.1)', async () => {
      const created = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      expect((await clients.authenticate(created.id, created.secret as string))?.id).toBe(
        created.id,
      );
      expect(await clients.authenticate(created.id, `${created.secret}x`)).toBeNull();
      expect(await clients.authenticate(created.id, '')).toBeNull();
      expect(await clients.authenticate('unknown', created.secret as string)).toBeNull();
    });

    it('never authenticates a public client, whatever secret is sent', async () => {
      const created = await clients.create({
        clientType: 'native',
        redirectUrls: ['app.example:/cb'],
      });
      expect(await clients.authenticate(created.id, '')).toBeNull();
    });

    it('rotates a secret: the new one works, the old one stops working', async () => {
      const created = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      const rotated = await clients.rotateSecret(created.id);
      expect(rotated?.secret).toBeDefined();
      expect(rotated?.secret).not.toBe(created.secret);
      expect(await clients.authenticate(created.id, created.secret as string)).toBeNull();
      expect(await clients.authenticate(created.id, rotated?.secret as string)).not.toBeNull();
    });

    it('refuses to rotate the secret of a public client', async () => {
      const created = await clients.create({
        clientType: 'user-agent',
        redirectUrls: ['https://spa.example/cb'],
      });
      await expect(clients.rotateSecret(created.id)).rejects.toMatchObject({
        error: 'invalid_client_metadata',
      });
      expect(await clients.rotateSecret('missing')).toBeNull();
    });
  });
});
