import { Test } from '@nestjs/testing';
import { Cluster } from 'ioredis';
import type { Redis } from 'ioredis';
import {
  ClientService,
  fromRequest,
  GrantService,
  OAuthError,
  OAuthistModule,
  PendingAuthorization,
  RegisteredClient,
  TokenService,
  UserCredentialsVerifier,
  UserGrant,
  UserGrantsPage,
} from '../../lib';
import { GrantIds } from '../../lib/crypto/grant-ids';
import { ClientStore } from '../../lib/redis/client-store';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { cliProgram, UsageError } from '../../sample/cli/cli-program';
import { obtainCode, sleep, startOfSecond } from '../support/grants';
import { withVerifier } from '../support/module-options';
import type { ModuleOptions } from '../support/module-options';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { fragmentOf, queryOf } from '../support/pkce';
import { listKeys, masterConnections, testRedisOption } from '../support/test-redis';

const PASSWORD = 'correct horse';
const SCOPES = ['profile', 'email', 'calendar', 'admin'];
const MCP = 'https://api.example.com/mcp';
const FILES = 'https://files.example.com/';

/** Signs in any username with PASSWORD, as the user of that id. */
const verifier: UserCredentialsVerifier = {
  verify: (username, password) => (password === PASSWORD ? { userId: username } : null),
};

/** What a test of a user's grants needs of a fixture. */
interface Grants {
  readonly fixture: OAuthistFixture;
  readonly clients: ClientService;
  readonly grants: GrantService;
  readonly tokens: TokenService;
  /** A confidential client: code grant and password grant. */
  newWeb(): Promise<RegisteredClient>;
  /** A public client in a browser: the implicit grant. */
  newSpa(): Promise<RegisteredClient>;
  /** A token by the authorization code grant (RFC 6749 §4.1): consent, code, exchange. */
  viaCode(
    client: RegisteredClient,
    userId: string,
    scope: string,
    resources?: string[],
  ): Promise<Issued>;
  /** The token a confidential client's code exchanges for (RFC 6749 §4.1.3). */
  exchange(client: RegisteredClient, code: string): Promise<Issued>;
  /** A token by the resource owner password credentials grant (RFC 6749 §4.3). */
  viaPassword(client: RegisteredClient, userId: string, scope: string): Promise<Issued>;
  /** A token by the implicit grant (RFC 6749 §4.2): consent, then the token in the fragment. */
  viaImplicit(
    client: RegisteredClient,
    userId: string,
    scope: string,
    how?: { direct?: boolean },
  ): Promise<Issued>;
  /** A new authorization request of `client`, saved, waiting for the user. */
  pendingOf(
    client: RegisteredClient,
    scope: string,
    resources?: string[],
  ): Promise<PendingAuthorization>;
  /** The Redis keys of `userId`'s index of grants: its hash and its sorted set. */
  indexKeys(userId: string): { grants: string };
  close(): Promise<void>;
}

interface Issued {
  readonly accessToken: string;
  readonly refreshToken?: string;
}

async function startGrants(options: Partial<ModuleOptions> = {}): Promise<Grants> {
  const fixture = await createOAuthistFixture({
    scopes: SCOPES,
    implicitGrant: true,
    ...withVerifier(verifier),
    ...options,
  });
  const clients = fixture.module.get(ClientService);
  const grants = fixture.module.get(GrantService);
  const tokens = fixture.module.get(TokenService);
  const { keys } = fixture.module.get(RedisConnection);
  const grantIds = fixture.module.get(GrantIds);

  async function exchangeCode(client: RegisteredClient, code: string): Promise<Issued> {
    const exchange = await grants.codeExchangeRequest({
      code,
      client_id: client.id,
      client_secret: client.secret,
    });
    return exchange.exchangeForToken();
  }

  /** An authorization request of `client` (RFC 6749 §4.1.1, §4.2.1), as the endpoint reads it. */
  function authorizationQuery(
    client: RegisteredClient,
    scope: string,
    resources: string[] | undefined,
  ): ReturnType<typeof fromRequest> {
    return fromRequest({
      method: 'GET',
      query: {
        client_id: client.id,
        // A public client in a browser asks for a token (the implicit grant): no PKCE.
        response_type: client.clientType === 'user-agent' ? 'token' : 'code',
        scope,
        ...(resources === undefined ? {} : { resource: resources }),
      },
    });
  }

  return {
    fixture,
    clients,
    grants,
    tokens,
    newWeb: () => clients.create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] }),
    newSpa: () =>
      clients.create({ clientType: 'user-agent', redirectUrls: ['https://spa.example/cb'] }),
    async viaCode(client, userId, scope, resources) {
      const request = await grants.codeRequest(authorizationQuery(client, scope, resources));
      if (request.error) throw request.error;
      const { code } = queryOf(await (await request.saveCode()).accept({ userId }));
      if (!code) throw new Error('accept() gave no code');
      return exchangeCode(client, code);
    },
    exchange: exchangeCode,
    async viaPassword(client, userId, scope) {
      const request = await grants.passwordExchangeRequest({
        username: userId,
        password: PASSWORD,
        client_id: client.id,
        client_secret: client.secret,
        scope,
      });
      return request.exchangeForToken();
    },
    async viaImplicit(client, userId, scope, { direct = false } = {}) {
      const request = await grants.accessTokenRequest({ client_id: client.id, scope });
      // As a consent page answers: the request saved while the user decides, then accepted;
      // or, `direct`, accepted at once.
      const fragment = fragmentOf(
        await (direct ? request : await request.savePending()).accept({ userId }),
      );
      if (!fragment.access_token) throw new Error(`no token: ${JSON.stringify(fragment)}`);
      return { accessToken: fragment.access_token };
    },
    async pendingOf(client, scope, resources) {
      const request = await grants.authorizationRequest(
        authorizationQuery(client, scope, resources),
      );
      if (request.error) throw request.error;
      return request.savePending();
    },
    indexKeys(userId) {
      const tag = grantIds.userTag(userId);
      return { grants: keys.userGrants(tag) };
    },
    close: () => fixture.close(),
  };
}

/** Every page of `userId`'s grants, following `next`, each page's size kept. */
async function allPages(
  tokens: TokenService,
  userId: string,
  limit: number,
): Promise<{ sizes: number[]; grants: UserGrant[] }> {
  const sizes: number[] = [];
  const grants: UserGrant[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page: UserGrantsPage = await tokens.listGrants(userId, { after, limit });
    sizes.push(page.grants.length);
    grants.push(...page.grants);
    if (page.next === null) return { sizes, grants };
    after = page.next;
  }
  throw new Error('the pages never end');
}

function clientIdsOf(page: UserGrantsPage | { grants: readonly UserGrant[] }): string[] {
  return page.grants.map((grant) => grant.clientId);
}

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The error `call` throws or rejects with, failing the test if there is none. */
async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  return Promise.resolve()
    .then(call)
    .then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => error,
    );
}

describe("a user's grants: TokenService.listGrants()", () => {
  describe('listing', () => {
    let g: Grants;
    let web: RegisteredClient;
    let other: RegisteredClient;
    let spa: RegisteredClient;

    beforeEach(async () => {
      g = await startGrants();
      web = await g.newWeb();
      other = await g.newWeb();
      spa = await g.newSpa();
    });

    afterEach(() => g.close());

    it('lists each client once, with every scope granted by the code, password and implicit grants (RFC 6749 §4.1, §4.2, §4.3)', async () => {
      const started = Math.floor(Date.now() / 1000) * 1000;
      await g.viaCode(web, 'alice', 'profile');
      await g.viaCode(web, 'alice', 'email');
      await g.viaPassword(web, 'alice', 'calendar profile');
      await g.viaPassword(other, 'alice', 'email');
      await g.viaImplicit(spa, 'alice', 'profile');
      await g.viaImplicit(spa, 'alice', 'calendar', { direct: true });

      const page = await g.tokens.listGrants('alice');
      expect(page.next).toBeNull();
      expect(clientIdsOf(page)).toEqual([web.id, other.id, spa.id].sort(byId));
      const of = (client: RegisteredClient) =>
        page.grants.find((grant) => grant.clientId === client.id) as UserGrant;
      expect([...of(web).scopes].sort()).toEqual(['calendar', 'email', 'profile']);
      expect([...of(other).scopes].sort()).toEqual(['email']);
      expect([...of(spa).scopes].sort()).toEqual(['calendar', 'profile']);
      const now = Date.now();
      for (const grant of page.grants) {
        expect(grant.client?.id).toBe(grant.clientId);
        expect(grant.grantedAt.getTime()).toBeGreaterThanOrEqual(started);
        expect(grant.grantedAt.getTime()).toBeLessThanOrEqual(grant.lastIssuedAt.getTime());
        expect(grant.lastIssuedAt.getTime()).toBeLessThanOrEqual(now);
      }
      expect(of(spa).client?.clientType).toBe('user-agent');
      expect(of(web).client?.clientType).toBe('web');
    });

    it('remembers the resources consented to, and none for the password grant (RFC 8707)', async () => {
      await g.close();
      g = await startGrants({ resources: [MCP, FILES] });
      web = await g.newWeb();
      other = await g.newWeb();
      await g.viaCode(web, 'alice', 'profile', [MCP]);
      await g.viaCode(web, 'alice', 'profile');
      await g.viaPassword(other, 'alice', 'profile');
      const page = await g.tokens.listGrants('alice');
      const of = (client: RegisteredClient) =>
        page.grants.find((grant) => grant.clientId === client.id) as UserGrant;
      expect([...of(web).resources].sort()).toEqual([MCP, null].sort());
      expect(of(other).resources).toEqual([]);
    });

    it('moves lastIssuedAt with each issuance and keeps grantedAt', async () => {
      await startOfSecond();
      await g.viaPassword(web, 'alice', 'profile');
      const [first] = (await g.tokens.listGrants('alice')).grants;
      await sleep(1100);
      await g.viaPassword(web, 'alice', 'email');
      const [second] = (await g.tokens.listGrants('alice')).grants;
      expect(second.grantedAt).toEqual(first.grantedAt);
      expect(second.lastIssuedAt.getTime()).toBeGreaterThan(first.lastIssuedAt.getTime());
      expect(first.lastIssuedAt).toEqual(first.grantedAt);
    });

    it('takes lastIssuedAt of a code exchange and of each refresh from the grant: neither writes to the index (RFC 6749 §6)', async () => {
      const refreshing = await startGrants({ refreshTokens: { ttl: 3600 } });
      try {
        const client = await refreshing.newWeb();
        const entry = () =>
          refreshing.fixture.redis.hget(refreshing.indexKeys('alice').grants, client.id);
        const listed = async () => (await refreshing.tokens.listGrants('alice')).grants[0];
        await startOfSecond();
        const code = await obtainCode(
          refreshing.grants,
          client,
          { scope: 'profile' },
          {
            userId: 'alice',
          },
        );
        const consented = await entry();
        await sleep(1100);
        const issued = await refreshing.exchange(client, code);
        expect(await entry()).toBe(consented);
        const exchanged = await listed();
        expect(exchanged.lastIssuedAt.getTime()).toBeGreaterThan(exchanged.grantedAt.getTime());

        await sleep(1100);
        const request = await refreshing.grants.refreshTokenRequest({
          grant_type: 'refresh_token',
          refresh_token: issued.refreshToken as string,
          client_id: client.id,
          client_secret: client.secret,
        });
        await request.exchangeForToken();
        expect(await entry()).toBe(consented);
        const refreshed = await listed();
        expect(refreshed.lastIssuedAt.getTime()).toBeGreaterThan(exchanged.lastIssuedAt.getTime());
        expect(refreshed.grantedAt).toEqual(exchanged.grantedAt);
      } finally {
        await refreshing.close();
      }
    });

    it.each([
      ['not an entry at all', 'garbage'],
      ['a time that is no number', '!!\x1f\x1f0\x1fprofile\x1f.\x1eprofile'],
      ['a consent without its resource', 'abc\x1f\x1f0\x1fprofile\x1fprofile'],
      ['a consent cut short', 'abc\x1f\x1f0\x1fprofile\x1f.\x1eprofile\x1d'],
    ])(
      'takes an index entry it cannot read (%s) for no grant: not listed, no consent, forgotten',
      async (_, corrupt) => {
        await g.viaCode(web, 'alice', 'profile');
        const index = g.indexKeys('alice').grants;
        await g.fixture.redis.hset(index, web.id, corrupt);
        expect(await (await g.pendingOf(web, 'profile')).isGrantedBy('alice')).toBe(false);
        expect(await g.tokens.listGrants('alice')).toEqual({ grants: [], next: null });
        expect(await g.fixture.redis.hexists(index, web.id)).toBe(0);
        // The next consent records the grant afresh.
        await g.viaCode(web, 'alice', 'email');
        expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([web.id]);
      },
    );

    it('keeps a new consent listed later when an earlier grant of the client had all its tokens revoked (RFC 6749 §4.1.2)', async () => {
      const { accessToken } = await g.viaPassword(web, 'alice', 'profile');
      await g.tokens.revokeToken(accessToken);
      const code = await obtainCode(g.grants, web, { scope: 'email' }, { userId: 'alice' });
      // The grant's hash exists and holds no live token; the code still waits.
      expect(await g.tokens.listGrants('alice')).toEqual({ grants: [], next: null });
      await g.exchange(web, code);
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([web.id]);
      expect(await (await g.pendingOf(web, 'email')).isGrantedBy('alice')).toBe(true);
    });

    it("never shows another user's grants", async () => {
      await g.viaCode(web, 'alice', 'profile');
      await g.viaPassword(other, 'bob', 'email admin');
      await g.viaImplicit(spa, 'bob', 'calendar');
      await g.tokens.issueAccessToken({ clientId: web.id, scopes: ['admin'] });

      const alice = await g.tokens.listGrants('alice');
      expect(clientIdsOf(alice)).toEqual([web.id]);
      expect(alice.grants[0].scopes).toEqual(['profile']);
      const bob = await g.tokens.listGrants('bob');
      expect(clientIdsOf(bob)).toEqual([other.id, spa.id].sort(byId));
      expect(bob.grants.flatMap((grant) => grant.scopes).sort()).toEqual([
        'admin',
        'calendar',
        'email',
      ]);
    });

    it('is { grants: [], next: null } for a user who granted nothing', async () => {
      await g.viaCode(web, 'alice', 'profile');
      expect(await g.tokens.listGrants('carol')).toEqual({ grants: [], next: null });
      expect(await g.tokens.listGrants('carol', { limit: 1 })).toEqual({ grants: [], next: null });
    });

    it('lists neither an anonymous token nor a client acting for itself', async () => {
      await g.tokens.issueAccessToken({ clientId: web.id, scopes: ['profile'] });
      await g.tokens.issueAccessToken({ clientId: null, scopes: ['profile'], userId: 'alice' });
      expect(await g.tokens.listGrants('alice')).toEqual({ grants: [], next: null });
    });

    it('takes a number as the user id in its string form, as the extras store it', async () => {
      await g.viaPassword(web, '1234', 'profile');
      expect(clientIdsOf(await g.tokens.listGrants(1234))).toEqual([web.id]);
    });

    it.each([
      ['an empty string', ''],
      ['an object', { id: 'alice' }],
      ['null', null],
      ['NaN', Number.NaN],
    ])('refuses %s as the user id with a TypeError', async (_, userId) => {
      const error = await thrown(() => g.tokens.listGrants(userId as unknown as string));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toContain('listGrants(userId): userId');
    });
  });

  describe('pagination, in client id order', () => {
    let g: Grants;
    /** Seven clients alice granted, in client id order. */
    let ids: string[];
    /** Alice's token of each of them. */
    let tokenOf: Map<string, string>;

    beforeEach(async () => {
      g = await startGrants();
      const clients = await Promise.all(Array.from({ length: 7 }, () => g.newWeb()));
      ids = clients.map((client) => client.id).sort(byId);
      tokenOf = new Map();
      for (const [i, client] of clients.entries()) {
        const issued = await g.tokens.issueAccessToken({
          clientId: client.id,
          userId: 'alice',
          scopes: [SCOPES[i % 4]],
        });
        tokenOf.set(client.id, issued.accessToken);
      }
    });

    afterEach(() => g.close());

    it('7 grants by 3: pages of 3, 3 and 1, chained by next, none missing or twice', async () => {
      const first = await g.tokens.listGrants('alice', { limit: 3 });
      expect(clientIdsOf(first)).toEqual(ids.slice(0, 3));
      expect(first.next).toEqual(expect.any(String));
      const second = await g.tokens.listGrants('alice', { limit: 3, after: first.next as string });
      expect(clientIdsOf(second)).toEqual(ids.slice(3, 6));
      expect(second.next).toEqual(expect.any(String));
      expect(second.next).not.toBe(first.next);
      const third = await g.tokens.listGrants('alice', { limit: 3, after: second.next as string });
      expect(clientIdsOf(third)).toEqual(ids.slice(6));
      expect(third.next).toBeNull();

      const walked = await allPages(g.tokens, 'alice', 3);
      expect(walked.sizes).toEqual([3, 3, 1]);
      expect(clientIdsOf(walked)).toEqual(ids);
    });

    it.each([1, 2, 4, 6, 7, 8, 1000])('walks every grant once by %i', async (limit) => {
      const walked = await allPages(g.tokens, 'alice', limit);
      expect(clientIdsOf(walked)).toEqual(ids);
      expect(walked.sizes.every((size) => size <= limit)).toBe(true);
      expect(walked.sizes.slice(0, -1).every((size) => size === limit)).toBe(true);
    });

    it('one page of all by default', async () => {
      const page = await g.tokens.listGrants('alice');
      expect(clientIdsOf(page)).toEqual(ids);
      expect(page.next).toBeNull();
    });

    it('after the last client id: an empty last page', async () => {
      expect(await g.tokens.listGrants('alice', { after: ids[6] })).toEqual({
        grants: [],
        next: null,
      });
      expect(clientIdsOf(await g.tokens.listGrants('alice', { after: ids[4] }))).toEqual(
        ids.slice(5),
      );
    });

    it('fills a page past grants that dropped out meanwhile', async () => {
      await g.tokens.revokeGrant('alice', ids[1]);
      // Revoked by its token, not as a grant: only the listing finds it gone.
      expect(await g.tokens.revokeToken(tokenOf.get(ids[2]) as string)).toBe(true);

      const first = await g.tokens.listGrants('alice', { limit: 3 });
      expect(clientIdsOf(first)).toEqual([ids[0], ids[3], ids[4]]);
      const rest = await g.tokens.listGrants('alice', { limit: 3, after: first.next as string });
      expect(clientIdsOf(rest)).toEqual([ids[5], ids[6]]);
      expect(rest.next).toBeNull();
    });

    it('limit is 100 by default, and at most 1000', async () => {
      const more = await Promise.all(Array.from({ length: 94 }, () => g.newWeb()));
      await Promise.all(
        more.map((client) =>
          g.tokens.issueAccessToken({ clientId: client.id, userId: 'alice', scopes: ['profile'] }),
        ),
      );
      const every = [...ids, ...more.map((client) => client.id)].sort(byId);
      expect(every).toHaveLength(101);
      const first = await g.tokens.listGrants('alice');
      expect(clientIdsOf(first)).toEqual(every.slice(0, 100));
      const last = await g.tokens.listGrants('alice', { after: first.next as string });
      expect(clientIdsOf(last)).toEqual(every.slice(100));
      expect(last.next).toBeNull();
      expect(clientIdsOf(await g.tokens.listGrants('alice', { limit: 1000 }))).toEqual(every);
    });

    it.each([
      ['0', 0],
      ['-1', -1],
      ['1001', 1001],
      ['a fraction', 1.5],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['beyond a safe integer', 2 ** 53],
      ['a numeric string', '3'],
    ])('refuses limit %s: invalid_request', async (_, limit) => {
      const error = await thrown(() =>
        g.tokens.listGrants('alice', { limit: limit as unknown as number }),
      );
      expect(error).toBeInstanceOf(OAuthError);
      expect(error).toMatchObject({
        error: 'invalid_request',
        description: 'limit must be a whole number from 1 to 1000',
      });
    });

    it.each([
      ['a number', 3],
      ['an object', { id: 'x' }],
      ['an array', ['x']],
      ['a string longer than any client id (2049)', 'x'.repeat(2049)],
    ])('refuses after as %s: invalid_request', async (_, after) => {
      const error = await thrown(() =>
        g.tokens.listGrants('alice', { after: after as unknown as string }),
      );
      expect(error).toBeInstanceOf(OAuthError);
      expect(error).toMatchObject({
        error: 'invalid_request',
        description: 'after must be the next of a previous page',
      });
    });

    it('takes the bounds themselves: limit 1 and 1000, after of 2048 characters', async () => {
      expect(clientIdsOf(await g.tokens.listGrants('alice', { limit: 1 }))).toEqual([ids[0]]);
      expect(clientIdsOf(await g.tokens.listGrants('alice', { limit: 1000 }))).toEqual(ids);
      const page = await g.tokens.listGrants('alice', { after: '~'.repeat(2048) });
      expect(page).toEqual({ grants: [], next: null });
    });
  });

  describe('a grant drops out when it is read, with no sweeper', () => {
    let g: Grants;
    let web: RegisteredClient;
    let other: RegisteredClient;
    let spa: RegisteredClient;

    beforeEach(async () => {
      g = await startGrants({ refreshTokens: { ttl: 3600 } });
      web = await g.newWeb();
      other = await g.newWeb();
      spa = await g.newSpa();
    });

    afterEach(() => g.close());

    /** Whether alice's index in Redis holds an entry for `client`. */
    async function indexed(client: RegisteredClient): Promise<boolean> {
      return (await g.fixture.redis.hexists(g.indexKeys('alice').grants, client.id)) === 1;
    }

    it('revoking the only token (RFC 7009 §2.1) drops the grant and its index entry', async () => {
      const { accessToken } = await g.viaImplicit(spa, 'alice', 'profile');
      await g.viaCode(web, 'alice', 'email');
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([web.id, spa.id].sort(byId));

      expect(await g.tokens.revokeToken(accessToken)).toBe(true);
      // Nothing swept it: the entry is still indexed until a listing reads it.
      expect(await indexed(spa)).toBe(true);
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([web.id]);
      expect(await indexed(spa)).toBe(false);
      expect(await indexed(web)).toBe(true);
    });

    it('the entry that kept the index for ever forgotten, the index expires with the rest', async () => {
      // g's tokens never expire (no accessTokenTtl). A second instance of the same deployment
      // (same prefix, same key) issues tokens for an hour.
      const expiring = await Test.createTestingModule({
        imports: [
          OAuthistModule.forRoot({
            redis: testRedisOption(),
            prefix: g.fixture.prefix,
            scopes: SCOPES,
            accessTokenTtl: 3600,
          }),
        ],
      }).compile();
      await expiring.init();
      try {
        const index = g.indexKeys('alice').grants;
        await g.tokens.issueAccessToken({ clientId: other.id, userId: 'alice', scopes: ['email'] });
        await expiring
          .get(TokenService)
          .issueAccessToken({ clientId: web.id, userId: 'alice', scopes: ['profile'] });
        expect(await g.fixture.redis.ttl(index)).toBe(-1);
        await g.tokens.revokeGrant('alice', other.id);
        const ttl = await g.fixture.redis.ttl(index);
        expect(ttl).toBeGreaterThan(3500);
        expect(ttl).toBeLessThanOrEqual(3600 + 120);
        expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([web.id]);
      } finally {
        await expiring.close();
      }
    });

    it('the last grant gone, the index key is gone', async () => {
      const { accessToken } = await g.viaImplicit(spa, 'alice', 'profile');
      const keys = g.indexKeys('alice');
      expect(await g.fixture.redis.exists(keys.grants)).toBe(1);
      await g.tokens.revokeToken(accessToken);
      expect(await g.tokens.listGrants('alice')).toEqual({ grants: [], next: null });
      expect(await g.fixture.redis.exists(keys.grants)).toBe(0);
    });

    it('a live refresh token keeps the grant listed; revoking it drops the grant (RFC 7009 §2.1)', async () => {
      const issued = await g.viaCode(web, 'alice', 'profile');
      expect(issued.refreshToken).toEqual(expect.any(String));
      expect(await g.tokens.revokeToken(issued.accessToken)).toBe(true);
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([web.id]);
      expect(await g.tokens.revokeToken(issued.refreshToken as string)).toBe(true);
      expect(await g.tokens.listGrants('alice')).toEqual({ grants: [], next: null });
      expect(await indexed(web)).toBe(false);
    });

    it('a grant of a deleted client drops out, its index entry too', async () => {
      await g.viaCode(web, 'alice', 'profile');
      await g.viaPassword(other, 'alice', 'email');
      expect(await g.clients.delete(web.id)).toBe(true);
      expect(await indexed(web)).toBe(true);
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([other.id]);
      expect(await indexed(web)).toBe(false);
    });

    it('a grant whose client record is gone drops out even while its tokens live (a deletion cut short)', async () => {
      const { accessToken } = await g.viaCode(web, 'alice', 'profile');
      await g.viaPassword(other, 'alice', 'email');
      // What ClientService.delete() does first; its walk of the client's grants did not run.
      expect(await g.fixture.module.get(ClientStore).delete(web.id)).toBe(true);
      await expect(g.tokens.verifyAccessToken(accessToken)).resolves.toBeDefined();
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([other.id]);
      expect(await indexed(web)).toBe(false);
      // Finishing the deletion revokes what was left.
      await g.clients.delete(web.id);
      await expect(g.tokens.verifyAccessToken(accessToken)).rejects.toMatchObject({
        reason: 'revoked',
      });
    });

    it('revokeGrant forgets the grant and its consent at once (RFC 7009 §2.1)', async () => {
      await g.viaCode(web, 'alice', 'profile');
      await g.viaCode(other, 'alice', 'profile');
      expect(await (await g.pendingOf(web, 'profile')).isGrantedBy('alice')).toBe(true);
      expect(await g.tokens.revokeGrant('alice', web.id)).toBe(2);
      // Eagerly, not on the next listing.
      expect(await indexed(web)).toBe(false);
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([other.id]);
      expect(await (await g.pendingOf(web, 'profile')).isGrantedBy('alice')).toBe(false);
      expect(await (await g.pendingOf(other, 'profile')).isGrantedBy('alice')).toBe(true);
    });

    it('a grant issued again after revokeGrant starts anew', async () => {
      await startOfSecond();
      await g.viaCode(web, 'alice', 'profile email');
      const [before] = (await g.tokens.listGrants('alice')).grants;
      await g.tokens.revokeGrant('alice', web.id);
      await sleep(1100);
      await g.viaPassword(web, 'alice', 'calendar');
      const [after] = (await g.tokens.listGrants('alice')).grants;
      expect(after.scopes).toEqual(['calendar']);
      expect(after.resources).toEqual([]);
      expect(after.grantedAt.getTime()).toBeGreaterThan(before.grantedAt.getTime());
      expect(await (await g.pendingOf(web, 'profile')).isGrantedBy('alice')).toBe(false);
    });
  });

  describe('a grant drops out when its tokens expire (RFC 6749 §4.2.2, §5.1 expires_in)', () => {
    let g: Grants;
    let web: RegisteredClient;
    let other: RegisteredClient;
    let spa: RegisteredClient;

    beforeEach(async () => {
      g = await startGrants({ accessTokenTtl: 1 });
      web = await g.newWeb();
      other = await g.newWeb();
      spa = await g.newSpa();
    });

    afterEach(() => g.close());

    it('expired grants are no longer listed, and their index entries are gone', async () => {
      await startOfSecond();
      // The code's consent outlives its token: the index keys stay, only a listing finds it.
      await g.viaCode(web, 'alice', 'profile');
      await g.viaPassword(other, 'alice', 'email');
      await g.viaImplicit(spa, 'alice', 'calendar');
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toHaveLength(3);
      const keys = g.indexKeys('alice');

      await sleep(2100);
      expect(await g.fixture.redis.hlen(keys.grants)).toBe(3);
      expect(await g.tokens.listGrants('alice')).toEqual({ grants: [], next: null });
      expect(await g.fixture.redis.exists(keys.grants)).toBe(0);
    });

    it('an expired consent is not remembered when a token is issued again without one', async () => {
      await startOfSecond();
      await g.viaImplicit(spa, 'alice', 'profile');
      // Keeps alice's index keys alive past the implicit token.
      await g.viaCode(web, 'alice', 'email');
      expect(await (await g.pendingOf(spa, 'profile')).isGrantedBy('alice')).toBe(true);
      await sleep(2100);
      expect(await (await g.pendingOf(spa, 'profile')).isGrantedBy('alice')).toBe(false);

      // No listing in between: a token the application issues is no consent of the user's.
      const reissued = Date.now();
      await g.tokens.issueAccessToken({ clientId: spa.id, userId: 'alice', scopes: ['email'] });
      expect(await (await g.pendingOf(spa, 'profile')).isGrantedBy('alice')).toBe(false);
      const [grant] = (await g.tokens.listGrants('alice')).grants.filter(
        (each) => each.clientId === spa.id,
      );
      expect(grant.scopes).toEqual(['email']);
      expect(grant.resources).toEqual([]);
      expect(grant.grantedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(reissued / 1000) * 1000);
    });

    it('a consent whose code was never exchanged lapses with the code (RFC 6749 §4.1.2)', async () => {
      const short = await startGrants({ authorizationCodeTtl: 1 });
      try {
        const [web, other] = [await short.newWeb(), await short.newWeb()];
        // A token that never expires keeps alice's index keys: only a listing drops the entry.
        await short.viaPassword(other, 'alice', 'email');
        await startOfSecond();
        await obtainCode(short.grants, web, { scope: 'profile' }, { userId: 'alice' });
        const keys = short.indexKeys('alice');
        expect(clientIdsOf(await short.tokens.listGrants('alice'))).toEqual([other.id]);
        expect(await short.fixture.redis.hexists(keys.grants, web.id)).toBe(1);

        await sleep(2100);
        expect(clientIdsOf(await short.tokens.listGrants('alice'))).toEqual([other.id]);
        expect(await short.fixture.redis.hexists(keys.grants, web.id)).toBe(0);
      } finally {
        await short.close();
      }
    });
  });

  describe('consent coverage: PendingAuthorization.isGrantedBy()', () => {
    let g: Grants;
    let web: RegisteredClient;
    let other: RegisteredClient;
    let spa: RegisteredClient;

    beforeEach(async () => {
      g = await startGrants({ resources: [MCP, FILES] });
      web = await g.newWeb();
      other = await g.newWeb();
      spa = await g.newSpa();
    });

    afterEach(() => g.close());

    async function granted(
      client: RegisteredClient,
      scope: string,
      resources?: string[],
      userId = 'alice',
    ): Promise<boolean> {
      return (await g.pendingOf(client, scope, resources)).isGrantedBy(userId);
    }

    it('covers the same scopes, and any subset of them (RFC 6749 §3.3)', async () => {
      await g.viaCode(web, 'alice', 'profile email');
      expect(await granted(web, 'profile email')).toBe(true);
      expect(await granted(web, 'email profile')).toBe(true);
      expect(await granted(web, 'email')).toBe(true);
      expect(await granted(web, 'profile')).toBe(true);
    });

    it('does not cover a superset, nor another scope', async () => {
      await g.viaCode(web, 'alice', 'profile email');
      expect(await granted(web, 'profile email calendar')).toBe(false);
      expect(await granted(web, 'admin')).toBe(false);
    });

    it('adds up consents given one by one', async () => {
      await g.viaCode(web, 'alice', 'profile');
      expect(await granted(web, 'profile email')).toBe(false);
      await g.viaCode(web, 'alice', 'email');
      expect(await granted(web, 'profile email')).toBe(true);
    });

    it('covers the implicit grant’s consent too (RFC 6749 §4.2)', async () => {
      await g.viaImplicit(spa, 'alice', 'calendar');
      expect(await granted(spa, 'calendar')).toBe(true);
      expect(await granted(spa, 'calendar profile')).toBe(false);
    });

    it('covers the consent of an implicit request accepted at once (RFC 6749 §4.2.2)', async () => {
      await g.viaImplicit(spa, 'alice', 'calendar', { direct: true });
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([spa.id]);
      expect(await granted(spa, 'calendar')).toBe(true);
    });

    it('is false for another client, another user, and a user who granted nothing', async () => {
      await g.viaCode(web, 'alice', 'profile');
      expect(await granted(web, 'profile')).toBe(true);
      expect(await granted(other, 'profile')).toBe(false);
      expect(await granted(web, 'profile', undefined, 'bob')).toBe(false);
      await g.viaCode(other, 'bob', 'profile');
      expect(await granted(web, 'profile', undefined, 'bob')).toBe(false);
    });

    it('is false until the code is exchanged: the grant holds no token yet', async () => {
      await obtainCode(g.grants, web, { scope: 'profile' }, { userId: 'alice' });
      expect(await granted(web, 'profile')).toBe(false);
    });

    it('a listing while the code waits for its exchange neither lists nor forgets the consent (RFC 6749 §4.1.2)', async () => {
      const code = await obtainCode(g.grants, web, { scope: 'profile' }, { userId: 'alice' });
      expect(await g.tokens.listGrants('alice')).toEqual({ grants: [], next: null });
      await g.exchange(web, code);
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([web.id]);
      expect(await granted(web, 'profile')).toBe(true);
    });

    it('a password grant is no consent (RFC 6749 §4.3): nothing is remembered', async () => {
      await g.viaPassword(web, 'alice', 'profile');
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([web.id]);
      expect(await granted(web, 'profile')).toBe(false);
    });

    it('covers the resources consented to, and not others (RFC 8707 §2)', async () => {
      await g.viaCode(web, 'alice', 'profile', [MCP]);
      expect(await granted(web, 'profile', [MCP])).toBe(true);
      expect(await granted(web, 'profile', [FILES])).toBe(false);
      expect(await granted(web, 'profile', [MCP, FILES])).toBe(false);
      // A request naming no resource asks for a token for no audience: not what was granted.
      expect(await granted(web, 'profile')).toBe(false);
    });

    it('a consent that named no resource does not cover one that names a resource (RFC 8707 §2)', async () => {
      await g.viaCode(web, 'alice', 'profile');
      expect(await granted(web, 'profile')).toBe(true);
      expect(await granted(web, 'profile', [MCP])).toBe(false);
    });

    it('adds up consents resource by resource, never crossing scopes from one to another (RFC 8707 §2)', async () => {
      await g.viaCode(web, 'alice', 'profile', [MCP]);
      await g.viaCode(web, 'alice', 'email', [FILES]);
      expect(await granted(web, 'profile', [MCP])).toBe(true);
      expect(await granted(web, 'email', [FILES])).toBe(true);
      // profile was allowed at MCP only, email at FILES only.
      expect(await granted(web, 'profile', [MCP, FILES])).toBe(false);
      expect(await granted(web, 'email profile', [FILES])).toBe(false);
      expect(await granted(web, 'email', [MCP])).toBe(false);
      await g.viaCode(web, 'alice', 'profile', [FILES]);
      expect(await granted(web, 'profile', [MCP, FILES])).toBe(true);
      expect(await granted(web, 'email profile', [FILES])).toBe(true);
    });

    it('a consent to several resources at once covers each of them, and any part of it (RFC 8707 §2)', async () => {
      await g.viaCode(web, 'alice', 'profile email', [MCP, FILES]);
      expect(await granted(web, 'profile email', [MCP, FILES])).toBe(true);
      expect(await granted(web, 'email', [FILES])).toBe(true);
      expect(await granted(web, 'profile', [MCP])).toBe(true);
      expect(await granted(web, 'profile')).toBe(false);
    });

    it('is false after revokeGrant (RFC 7009 §2.1), until the user consents again', async () => {
      await g.viaCode(web, 'alice', 'profile', [MCP]);
      expect(await granted(web, 'profile', [MCP])).toBe(true);
      await g.tokens.revokeGrant('alice', web.id);
      expect(await granted(web, 'profile', [MCP])).toBe(false);
      await g.viaPassword(web, 'alice', 'profile');
      expect(await granted(web, 'profile', [MCP])).toBe(false);
      expect(await granted(web, 'profile')).toBe(false);
      await g.viaCode(web, 'alice', 'profile', [MCP]);
      expect(await granted(web, 'profile', [MCP])).toBe(true);
    });

    it('is false once the only token of the consent is revoked (RFC 7009 §2.1)', async () => {
      const { accessToken } = await g.viaImplicit(spa, 'alice', 'profile');
      expect(await granted(spa, 'profile')).toBe(true);
      await g.tokens.revokeToken(accessToken);
      expect(await granted(spa, 'profile')).toBe(false);
    });
  });

  describe("cost independent of other users' grants", () => {
    const OTHERS = 10_000;
    let g: Grants;

    beforeAll(async () => {
      g = await startGrants();
    });

    afterAll(() => g.close());

    /** A command a master ran, as MONITOR shows it. */
    interface Seen {
      readonly source: string;
      readonly args: readonly string[];
    }

    /**
     * What each master ran while `run` ran, as MONITOR shows it. A marker sent to each master
     * afterwards is waited for, so that nothing `run` sent is still on its way to the monitor.
     */
    async function monitored(run: () => Promise<unknown>): Promise<Seen[][]> {
      const masters = await masterConnections(g.fixture.redis);
      const monitors = await Promise.all(masters.map((node) => node.monitor()));
      const seen = masters.map(() => [] as Seen[]);
      const marker = `user-grants-marker:${g.fixture.prefix}`;
      const markers = monitors.map(
        (monitor, i) =>
          new Promise<void>((resolve) =>
            monitor.on('monitor', (_time: string, args: string[], source: string) => {
              if (args.length === 2 && args[0].toLowerCase() === 'echo' && args[1] === marker)
                resolve();
              else seen[i].push({ source, args });
            }),
          ),
      );
      try {
        await run();
        await Promise.all(masters.map((node) => node.echo(marker)));
        await Promise.all(markers);
      } finally {
        for (const monitor of monitors) monitor.disconnect();
      }
      return seen;
    }

    /** The addresses of the module's own connections, as the servers see them. */
    function moduleSources(): Set<string> {
      const { client } = g.fixture.module.get(RedisConnection);
      const nodes: Redis[] = client instanceof Cluster ? client.nodes('all') : [client];
      return new Set(
        nodes
          .filter((node) => node.stream?.localPort !== undefined)
          .map((node) => `${node.stream.localAddress}:${node.stream.localPort}`),
      );
    }

    /**
     * The commands of this test's module, per master: those sent on its connections or run by
     * its scripts (which name its prefix), never another test worker's.
     */
    function ours(seen: Seen[][], sources: Set<string>): Seen[][] {
      const prefix = g.fixture.prefix;
      return seen.map((lines) =>
        lines.filter(
          ({ source, args }) =>
            args.some((arg) => arg.includes(prefix)) && (sources.has(source) || source === 'lua'),
        ),
      );
    }

    /** A command without what changes with the clock: a script's arguments after its keys. */
    function shape(args: readonly string[]): string {
      const name = args[0].toLowerCase();
      if (name === 'evalsha' || name === 'eval') {
        const keys = Number(args[2]);
        return [name, args[1], ...args.slice(3, 3 + keys)].join(' ');
      }
      return [name, ...args.slice(1)].join(' ');
    }

    async function listingCommands(userId: string): Promise<{
      page: UserGrantsPage;
      perMaster: Seen[][];
      all: Seen[];
    }> {
      let page: UserGrantsPage | undefined;
      const seen = await monitored(async () => {
        page = await g.tokens.listGrants(userId);
      });
      const sources = moduleSources();
      const perMaster = ours(seen, sources);
      // No walk of the keyspace (or of a key) from the module's connections or over its keys.
      const walks = seen
        .flat()
        .filter(
          ({ source, args }) =>
            sources.has(source) || args.some((arg) => arg.includes(g.fixture.prefix)),
        )
        .filter(({ args }) =>
          ['scan', 'keys', 'hscan', 'sscan', 'zscan'].includes(args[0].toLowerCase()),
        );
      expect(walks).toEqual([]);
      return { page: page as UserGrantsPage, perMaster, all: perMaster.flat() };
    }

    it(`lists a user's grants with the same Redis commands beside ${OTHERS} other users, and no SCAN or KEYS`, async () => {
      const web = await g.newWeb();
      const other = await g.newWeb();
      const spa = await g.newSpa();
      await g.viaCode(web, 'alice', 'profile');
      await g.viaPassword(other, 'alice', 'email');
      await g.viaImplicit(spa, 'alice', 'calendar');
      // Warm: every script is loaded where it runs, so both listings send the same.
      await g.tokens.listGrants('alice');

      const before = await listingCommands('alice');
      expect(clientIdsOf(before.page)).toEqual([web.id, other.id, spa.id].sort(byId));

      // Other users' grants, to the very same clients.
      const clients = [web, other, spa];
      for (let start = 0; start < OTHERS; start += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, OTHERS - start) }, (_, i) =>
            g.tokens.issueAccessToken({
              clientId: clients[(start + i) % 3].id,
              userId: `other-${start + i}`,
              scopes: ['profile'],
            }),
          ),
        );
      }
      const indexes = await listKeys(g.fixture.redis, `${g.fixture.prefix}:{user:*}`);
      expect(indexes).toHaveLength(OTHERS + 1);
      expect(clientIdsOf(await g.tokens.listGrants(`other-${OTHERS - 1}`))).toEqual([
        clients[(OTHERS - 1) % 3].id,
      ]);

      const after = await listingCommands('alice');
      expect(after.page).toEqual(before.page);

      // The listing did read: the user's index once, then each grant and each client.
      const names = (lines: readonly Seen[]) => lines.map(({ args }) => args[0].toLowerCase());
      const count = (lines: readonly Seen[], name: string) =>
        names(lines).filter((each) => each === name).length;
      expect(count(before.all, 'hkeys')).toBe(1);
      expect(count(before.all, 'evalsha')).toBe(1 + 3);
      expect(count(before.all, 'hgetall')).toBe(3 + 3);
      const tag = g.fixture.module.get(GrantIds).userTag('alice');
      const otherTag = g.fixture.module.get(GrantIds).userTag('other-0');
      expect(before.all.some(({ args }) => args.some((arg) => arg.includes(tag)))).toBe(true);

      // The same commands on the same keys, in the same order on each master, in number too.
      expect(after.perMaster.map(names)).toEqual(before.perMaster.map(names));
      expect(after.all.map(({ args }) => shape(args)).sort()).toEqual(
        before.all.map(({ args }) => shape(args)).sort(),
      );
      expect(after.all).toHaveLength(before.all.length);
      expect(after.all.some(({ args }) => args.some((arg) => arg.includes(otherTag)))).toBe(false);
    }, 120_000);
  });

  describe('the service and the sample CLI agree', () => {
    let g: Grants;

    beforeEach(async () => {
      g = await startGrants();
    });

    afterEach(() => g.close());

    /** Runs one CLI command; resolves to what it printed. */
    async function run(...args: string[]): Promise<unknown> {
      const printed: unknown[] = [];
      const program = cliProgram(g.clients, g.tokens, (value) => printed.push(value));
      await program.parseAsync(args, { from: 'user' });
      expect(printed).toHaveLength(1);
      return printed[0];
    }

    it.each([
      ['grant', 'list', '--user', ''],
      ['grant', 'revoke', '--user', '', '--client', 'c'],
      ['grant', 'revoke', '--user', 'alice', '--client', ''],
    ])('refuses %p as a usage error (exit 2), printing nothing', async (...args) => {
      const printed: unknown[] = [];
      const program = cliProgram(g.clients, g.tokens, (value) => printed.push(value));
      await expect(program.parseAsync(args, { from: 'user' })).rejects.toBeInstanceOf(UsageError);
      expect(printed).toEqual([]);
    });

    /** The CLI's `grant list` as the service's listing would print. */
    async function expectedListing(userId: string): Promise<Record<string, string>[]> {
      const { grants } = await allPages(g.tokens, userId, 1000);
      return grants.map((grant) => ({
        client_id: grant.clientId,
        scope: grant.scopes.join(' '),
        granted_at: grant.grantedAt.toISOString(),
        last_issued_at: grant.lastIssuedAt.toISOString(),
      }));
    }

    it('grant list prints what listGrants lists', async () => {
      const web = await g.newWeb();
      const spa = await g.newSpa();
      await g.viaCode(web, 'alice', 'profile email');
      await g.viaImplicit(spa, 'alice', 'calendar');
      await g.viaPassword(web, 'bob', 'admin');

      const listed = (await run('grant', 'list', '--user', 'alice')) as Record<string, string>[];
      expect(listed).toEqual(await expectedListing('alice'));
      expect(listed.map((each) => each.client_id)).toEqual([web.id, spa.id].sort(byId));
      const ofWeb = listed.find((each) => each.client_id === web.id);
      expect(ofWeb?.scope.split(' ').sort()).toEqual(['email', 'profile']);
      for (const each of listed) {
        expect(new Date(each.granted_at).toISOString()).toBe(each.granted_at);
        expect(new Date(each.last_issued_at).toISOString()).toBe(each.last_issued_at);
      }
      expect(await run('grant', 'list', '--user', 'carol')).toEqual([]);
    });

    it('a grant revoked by the service or by the CLI is gone from both listings, its tokens refused (RFC 7009 §2.1)', async () => {
      const [a, b, c] = await Promise.all([g.newWeb(), g.newWeb(), g.newSpa()]);
      const ofA = await g.viaCode(a, 'alice', 'profile');
      const ofA2 = await g.viaPassword(a, 'alice', 'email');
      const ofB = await g.viaCode(b, 'alice', 'profile');
      const ofC = await g.viaImplicit(c, 'alice', 'calendar');
      const bobsB = await g.viaCode(b, 'bob', 'profile');
      expect(await run('grant', 'list', '--user', 'alice')).toEqual(await expectedListing('alice'));
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toHaveLength(3);

      expect(await g.tokens.revokeGrant('alice', a.id)).toBe(2);
      expect(await run('grant', 'revoke', '--user', 'alice', '--client', b.id)).toEqual({
        revoked: 1,
      });

      const listed = await run('grant', 'list', '--user', 'alice');
      expect(listed).toEqual(await expectedListing('alice'));
      expect(clientIdsOf(await g.tokens.listGrants('alice'))).toEqual([c.id]);
      for (const token of [ofA, ofA2, ofB]) {
        await expect(g.tokens.verifyAccessToken(token.accessToken)).rejects.toMatchObject({
          reason: 'revoked',
          error: 'invalid_token',
        });
        expect(await g.tokens.introspect(token.accessToken)).toEqual({ active: false });
      }
      await expect(g.tokens.verifyAccessToken(ofC.accessToken)).resolves.toMatchObject({
        clientId: c.id,
        userId: 'alice',
      });
      await expect(g.tokens.verifyAccessToken(bobsB.accessToken)).resolves.toMatchObject({
        userId: 'bob',
      });
      expect(await run('grant', 'list', '--user', 'bob')).toEqual(await expectedListing('bob'));
      expect(clientIdsOf(await g.tokens.listGrants('bob'))).toEqual([b.id]);

      // Twice is nothing more to revoke, from either side.
      expect(await run('grant', 'revoke', '--user', 'alice', '--client', a.id)).toEqual({
        revoked: 0,
      });
      expect(await g.tokens.revokeGrant('alice', b.id)).toBe(0);
    });

    it('a grant revoked token by token from the CLI drops out of both listings (RFC 7009 §2.1)', async () => {
      const web = await g.newWeb();
      const { accessToken } = await g.viaCode(web, 'alice', 'profile');
      expect(await run('token', 'revoke', accessToken)).toEqual({ revoked: true });
      expect(await run('grant', 'list', '--user', 'alice')).toEqual([]);
      expect(await g.tokens.listGrants('alice')).toEqual({ grants: [], next: null });
    });
  });
});
