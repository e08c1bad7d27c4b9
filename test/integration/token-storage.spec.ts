import { Test } from '@nestjs/testing';
import {
  ClientService,
  GrantService,
  OAuthistModule,
  RegisteredClient,
  TokenService,
} from '../../lib';
import { grantIdOf } from '../../lib/crypto/grant-bound-secret';
import { GrantIds } from '../../lib/crypto/grant-ids';
import { sha256 } from '../../lib/crypto/sha256';
import { GrantStore } from '../../lib/redis/grant-store';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { RedisKeys } from '../../lib/redis/redis-keys';
import {
  grantIdentity,
  secondsNow,
  tokenField,
  tokenHead,
  tombstone,
} from '../../lib/redis/token-record';
import { countStoredTokens, obtainCode } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import {
  connectTestRedis,
  deleteKeys,
  dumpKeys,
  listKeys,
  testPrefix,
  testRedisOption,
} from '../support/test-redis';

/**
 * How tokens are laid out in Redis (lib/redis/token-record.ts): one hash per grant, which is
 * both the tokens' storage and the index revokeGrant() walks, kept small enough for Redis to
 * store it as a listpack, and pruned as it is used.
 */
describe('token storage', () => {
  let fixture: OAuthistFixture;
  let tokens: TokenService;
  let keys: RedisKeys;
  let web: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['profile', 'email'], accessTokenTtl: 3600 });
    tokens = fixture.module.get(TokenService);
    keys = fixture.module.get(RedisConnection).keys;
    web = await fixture.module
      .get(ClientService)
      .create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] });
  });

  afterEach(() => fixture.close());

  function issue(userId?: string): Promise<string> {
    return tokens
      .issueAccessToken({
        clientId: web.id,
        scopes: ['profile'],
        extras: userId === undefined ? {} : { userId },
      })
      .then((issued) => issued.accessToken);
  }

  function grantKeyOf(token: string): string {
    return keys.grant(grantIdOf(token) as string);
  }

  /** Overwrites a stored token's field, as time passing would leave it. */
  async function rewrite(token: string, value: string): Promise<void> {
    await fixture.redis.hset(grantKeyOf(token), tokenField(token), value);
  }

  /** A token value issued `age` seconds ago, living `lifetime` seconds. */
  function issuedAgo(age: number, lifetime: number): string {
    const issuedAt = secondsNow() - age;
    return `${tokenHead(issuedAt, issuedAt + lifetime)}profile`;
  }

  it("one token is one key: its grant's hash, a listpack of the grant's identity and the token; a new user adds the user's index", async () => {
    const before = await dumpKeys(fixture.redis, fixture.prefix);
    const user = '8a2f7c1e-5b0d-4e39-9f6a-2c7d1b3e4f50';
    const token = await issue(user);
    const after = await dumpKeys(fixture.redis, fixture.prefix);
    const added = [...after.keys()].filter((key) => !before.has(key));
    const index = keys.userGrants(fixture.module.get(GrantIds).userTag(user));
    expect(added.sort()).toEqual([grantKeyOf(token), index].sort());
    // One entry per client the user granted, short enough for a listpack too, living as long.
    expect(await fixture.redis.object('ENCODING', index)).toBe('listpack');
    expect(await fixture.redis.hlen(index)).toBe(1);
    const indexTtl = await fixture.redis.ttl(index);
    // The token's hour, and a minute for clocks that differ.
    expect(indexTtl).toBeGreaterThan(3590 + 60);
    expect(indexTtl).toBeLessThanOrEqual(3601 + 60);

    // Nothing else grew either: the client registry keeps no index of grants.
    for (const [key, content] of before) expect(after.get(key)).toBe(content);
    expect(await fixture.redis.object('ENCODING', grantKeyOf(token))).toBe('listpack');
    expect(await fixture.redis.hlen(grantKeyOf(token))).toBe(2);
    // It lives as long as the token, and the grace during which a check still says "expired".
    const ttl = await fixture.redis.ttl(grantKeyOf(token));
    expect(ttl).toBeGreaterThan(3600 + 590);
    expect(ttl).toBeLessThanOrEqual(3601 + 600);
    // The user's next token adds no key.
    const second = await issue(user);
    expect((await dumpKeys(fixture.redis, fixture.prefix)).size).toBe(after.size);
    expect(grantKeyOf(second)).toBe(grantKeyOf(token));
  });

  describe('a grant of tokens that never expire', () => {
    let forever: OAuthistFixture;
    let foreverTokens: TokenService;

    beforeEach(async () => {
      forever = await createOAuthistFixture({ accessTokenTtl: null });
      foreverTokens = forever.module.get(TokenService);
    });

    afterEach(() => forever.close());

    async function issueForever(userId: string): Promise<string> {
      const issued = await foreverTokens.issueAccessToken({
        clientId: web.id,
        scopes: [],
        extras: { userId },
      });
      return issued.accessToken;
    }

    function ttlOf(token: string): Promise<number> {
      const key = forever.module.get(RedisConnection).keys.grant(grantIdOf(token) as string);
      return forever.redis.ttl(key);
    }

    it('expires, once revokeGrant revoked them, with the tombstones (no key kept for ever)', async () => {
      const token = await issueForever('alice');
      await issueForever('alice');
      expect(await ttlOf(token)).toBe(-1);
      expect(await foreverTokens.revokeGrant('alice', web.id)).toBe(2);
      const ttl = await ttlOf(token);
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    });

    it('stays while one of them is live, and expires once the last is revoked', async () => {
      const first = await issueForever('alice');
      const second = await issueForever('alice');
      expect(await foreverTokens.revokeAccessToken(first)).toBe(true);
      expect(await ttlOf(first)).toBe(-1);
      await expect(foreverTokens.verifyAccessToken(second)).resolves.toMatchObject({
        userId: 'alice',
      });
      expect(await foreverTokens.revokeAccessToken(second)).toBe(true);
      expect(await ttlOf(first)).toBeGreaterThan(3500);
    });
  });

  it('a grant holding a token that never expires does not expire either', async () => {
    const neverExpiring = await createOAuthistFixture({ accessTokenTtl: null });
    try {
      const issued = await neverExpiring.module
        .get(TokenService)
        .issueAccessToken({ clientId: web.id, scopes: [], extras: { userId: 'alice' } });
      const key = neverExpiring.module
        .get(RedisConnection)
        .keys.grant(grantIdOf(issued.accessToken) as string);
      expect(await neverExpiring.redis.ttl(key)).toBe(-1);
      expect(await neverExpiring.redis.exists(key)).toBe(1);
    } finally {
      await neverExpiring.close();
    }
  });

  it("a user's second token joins the grant's hash; another user's grant is a hash of its own", async () => {
    const first = await issue('alice');
    const second = await issue('alice');
    const bobs = await issue('bob');
    expect(grantKeyOf(second)).toBe(grantKeyOf(first));
    expect(grantKeyOf(bobs)).not.toBe(grantKeyOf(first));
    expect(await fixture.redis.hlen(grantKeyOf(first))).toBe(3);
    expect(await countStoredTokens(fixture)).toBe(3);
  });

  it('a grant in constant use drops tokens expired past the grace, a few per issuance', async () => {
    // Every round leaves only dead tokens; each issuance samples two fields and drops the dead
    // ones it finds, so the grant holds a handful of fields, not one per round.
    let token = '';
    for (let round = 0; round < 30; round++) {
      token = await issue();
      await rewrite(token, issuedAgo(7200, 3600));
    }
    expect(await fixture.redis.hlen(grantKeyOf(token))).toBeLessThanOrEqual(4);
  });

  it('a grant in constant use drops revocations no longer reported', async () => {
    let token = '';
    for (let round = 0; round < 30; round++) {
      token = await issue();
      await rewrite(token, tombstone(secondsNow() - 1));
    }
    expect(await fixture.redis.hlen(grantKeyOf(token))).toBeLessThanOrEqual(4);
  });

  it('keeps live tokens, those just expired (still reported as expired) and recent revocations', async () => {
    const live = await issue();
    const expired = await issue();
    const revoked = await issue();
    await rewrite(expired, issuedAgo(3700, 3600));
    expect(await tokens.revokeAccessToken(revoked)).toBe(true);
    for (let round = 0; round < 30; round++) await issue();
    await expect(tokens.verifyAccessToken(live)).resolves.toMatchObject({ clientId: web.id });
    await expect(tokens.verifyAccessToken(expired)).rejects.toMatchObject({ reason: 'expired' });
    await expect(tokens.verifyAccessToken(revoked)).rejects.toMatchObject({ reason: 'revoked' });
  });

  it('reports a revoked token as revoked while its tombstone lasts, then as unknown', async () => {
    const token = await issue('alice');
    expect(await tokens.revokeAccessToken(token)).toBe(true);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'revoked' });
    await rewrite(token, tombstone(secondsNow()));
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'unknown' });
  });

  it('refuses a stored value it cannot read as unknown, never as a live token', async () => {
    const token = await issue('alice');
    const values = [
      '',
      'garbage',
      'zz\x1f',
      '1\x1f1\x1fprofile\x1f{not json',
      // What parseInt alone would read as numbers.
      ' 1\x1f0\x1fprofile',
      '1_\x1f0\x1fprofile',
      '1\x1f+0\x1fprofile',
      `-${'z'.repeat(8)}!`,
    ];
    for (const value of values) {
      await rewrite(token, value);
      await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'unknown' });
    }
  });

  it('revokeGrant with a client id leaves a grant of another client alone', async () => {
    // Deleting a client finds its grants by a 24-bit tag that another client may share.
    const token = await issue('alice');
    const store = fixture.module.get(GrantStore);
    expect(await store.revokeGrant(grantIdOf(token) as string, 'another-client')).toBe(0);
    await expect(tokens.verifyAccessToken(token)).resolves.toMatchObject({ userId: 'alice' });
    expect(await store.revokeGrant(grantIdOf(token) as string, web.id)).toBe(1);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'revoked' });
  });

  it("revokeGrant with a client id leaves another client's codes alone", async () => {
    const grants = fixture.module.get(GrantService);
    const code = await obtainCode(grants, web, {}, { userId: 'alice' });
    const store = fixture.module.get(GrantStore);
    await store.revokeGrant(grantIdOf(code) as string, 'another-client');
    const exchange = await grants.codeExchangeRequest({
      code,
      client_id: web.id,
      client_secret: web.secret,
    });
    await expect(exchange.exchangeForToken()).resolves.toMatchObject({
      token: { userId: 'alice' },
    });
  });

  it("revokeGrant with another client's id leaves the code where the owner's revokeGrant finds it", async () => {
    const grants = fixture.module.get(GrantService);
    const code = await obtainCode(grants, web, {}, { userId: 'alice' });
    await fixture.module.get(GrantStore).revokeGrant(grantIdOf(code) as string, 'another-client');
    expect(await tokens.revokeGrant('alice', web.id)).toBe(0);
    const exchange = await grants.codeExchangeRequest({
      code,
      client_id: web.id,
      client_secret: web.secret,
    });
    await expect(exchange.exchangeForToken()).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  describe('two grants whose ids collide (72 bits of HMAC within one client)', () => {
    // Made by hand: bob's grant key already holds alice's grant, as a collision would leave it.
    async function occupyBobsGrantWithAlices(): Promise<string> {
      const key = keys.grant(fixture.module.get(GrantIds).of(web.id, 'bob'));
      await fixture.redis.hset(key, 'g', grantIdentity(web.id, 'alice'), 'AAAAAAAAAAAAAAAA', 'x');
      return key;
    }

    it("refuse to issue into the other user's grant, storing nothing", async () => {
      const key = await occupyBobsGrantWithAlices();
      await expect(issue('bob')).rejects.toThrow(/belongs to another user; no token was issued/);
      expect(await fixture.redis.hgetall(key)).toEqual({
        g: grantIdentity(web.id, 'alice'),
        AAAAAAAAAAAAAAAA: 'x',
      });
    });

    it("refuse to exchange a code into the other user's grant, leaving the code unused", async () => {
      const grants = fixture.module.get(GrantService);
      const code = await obtainCode(grants, web, {}, { userId: 'bob' });
      await occupyBobsGrantWithAlices();
      const exchange = async (): Promise<unknown> =>
        (
          await grants.codeExchangeRequest({
            code,
            client_id: web.id,
            client_secret: web.secret,
          })
        ).exchangeForToken();
      await expect(exchange()).rejects.toThrow(/belongs to another user/);
      const codeKey = keys.code(grantIdOf(code) as string, sha256(code));
      expect(await fixture.redis.hexists(codeKey, 'used')).toBe(0);
    });
  });

  it('grant ids of one client share its tag, and those of two clients do not (in practice)', () => {
    const grantIds = fixture.module.get(GrantIds);
    const tag = grantIds.clientTag(web.id);
    expect(grantIds.of(web.id, 'alice').startsWith(tag)).toBe(true);
    expect(grantIds.of(web.id, undefined).startsWith(tag)).toBe(true);
    expect(grantIds.clientTag('another-client')).not.toBe(tag);
    expect(grantIds.of(web.id, 'alice')).toHaveLength(16);
  });

  it('an authorization code saved without its grant identity cannot be exchanged', async () => {
    // A code is saved with whose grant it is; one without (an older layout) is unknown.
    const grants = fixture.module.get(GrantService);
    const code = await obtainCode(grants, web, {}, { userId: 'alice' });
    await fixture.redis.hdel(keys.code(grantIdOf(code) as string, sha256(code)), 'grant');
    const exchange = await grants.codeExchangeRequest({
      code,
      client_id: web.id,
      client_secret: web.secret,
    });
    await expect(exchange.exchangeForToken()).rejects.toMatchObject({
      error: 'invalid_grant',
      description: 'the code is unknown, expired or used',
    });
  });

  it('a checked request cannot be changed afterwards: its scopes stay what was checked', async () => {
    const grants = fixture.module.get(GrantService);
    const request = await grants.codeRequest({ client_id: web.id, scope: 'profile' });
    expect(() => {
      (request as unknown as { scopes: string[] }).scopes = ['pro\x1ffile'];
    }).toThrow(TypeError);
    expect(() => {
      (request.scopes as string[]).push('admin');
    }).toThrow(TypeError);
    expect(request.scopes).toEqual(['profile']);
    expect(Object.isFrozen(request.check)).toBe(true);
  });

  it('reads a grant id only from the key of a grant, whatever the tag matched', () => {
    expect(keys.grantIdOfKey(keys.grant('ABCDefghijklmn_-'))).toBe('ABCDefghijklmn_-');
    expect(keys.grantIdOfKey(keys.code('ABCDefghijklmn_-', 'h'))).toBe('ABCDefghijklmn_-');
    expect(keys.grantIdOfKey(keys.allClients())).toBeNull();
    expect(keys.grantIdOfKey(keys.attempts('username', 'alice', 'unknown'))).toBeNull();
    expect(keys.grantIdOfKey('elsewhere:{ABCDefghijklmn_-}')).toBeNull();
  });

  describe('issueAccessToken refuses what it could not store faithfully', () => {
    it.each([
      ['a control character', 'pro\x1ffile'],
      ['a double quote (RFC 6749 §3.3)', 'pro"file'],
      ['a space inside one scope', 'pro file'],
      ['an empty scope', ''],
    ])('a scope with %s: TypeError, nothing stored', async (_, scope) => {
      await expect(
        tokens.issueAccessToken({ clientId: web.id, scopes: [scope], extras: { userId: 'a' } }),
      ).rejects.toThrow(TypeError);
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it.each([
      ['empty', ''],
      ['with a control character (RFC 6749 appendix A.1)', 'web\x1fclient'],
    ])('a client id %s: TypeError, nothing stored', async (_, clientId) => {
      await expect(
        tokens.issueAccessToken({ clientId, scopes: ['profile'], extras: { userId: 'a' } }),
      ).rejects.toThrow(TypeError);
      expect(await countStoredTokens(fixture)).toBe(0);
    });
  });
});

describe('a prefix with glob characters', () => {
  const globby = `${testPrefix()}*?[x]\\`;
  const escaped = globby.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

  it("the SCAN pattern of a client's grants matches its keys and no one else's", async () => {
    const redis = connectTestRedis();
    try {
      const ours = `${globby}:{ABCDefghijklmnop}`;
      // What the pattern would also match if its glob characters were left unescaped.
      const lookalike = `${globby.slice(0, -6)}QQx:{ABCDefghijklmnop}`;
      await redis.set(ours, '1');
      await redis.set(lookalike, '1');
      expect(await listKeys(redis, new RedisKeys(globby).grantsOfClientTag('ABCD'))).toEqual([
        ours,
      ]);
      await redis.del(ours);
      await redis.del(lookalike);
    } finally {
      redis.disconnect();
    }
  });

  it('deleting a client revokes its tokens and leaves those of another client alone', async () => {
    const module = await Test.createTestingModule({
      imports: [OAuthistModule.forRoot({ redis: testRedisOption(), prefix: globby })],
    }).compile();
    await module.init();
    const redis = connectTestRedis();
    try {
      const clients = module.get(ClientService);
      const tokens = module.get(TokenService);
      const doomed = await clients.create({ clientType: 'web', redirectUrls: ['https://d/cb'] });
      const kept = await clients.create({ clientType: 'web', redirectUrls: ['https://k/cb'] });
      const issue = (clientId: string, userId: string): Promise<string> =>
        tokens
          .issueAccessToken({ clientId, scopes: [], extras: { userId } })
          .then((issued) => issued.accessToken);
      const doomedTokens = await Promise.all(['a', 'b', 'c'].map((u) => issue(doomed.id, u)));
      const keptToken = await issue(kept.id, 'a');

      expect(await clients.delete(doomed.id)).toBe(true);
      for (const token of doomedTokens)
        await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'revoked' });
      await expect(tokens.verifyAccessToken(keptToken)).resolves.toMatchObject({ userId: 'a' });
    } finally {
      await deleteKeys(redis, escaped);
      await module.close();
      redis.disconnect();
    }
  });
});
