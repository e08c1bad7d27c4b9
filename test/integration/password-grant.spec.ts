import { Injectable, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import {
  AttributeValue,
  ClientService,
  GrantService,
  OAuthistModule,
  PasswordExchangeRequest,
  RegisteredClient,
  TokenService,
  UserCredentialsVerifier,
} from '../../lib';
import { errorOf } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { connectTestRedis, deleteKeys, testPrefix, testRedisOption } from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';
import { withVerifier } from '../support/module-options';

/** Knows one user, and remembers every check it was asked to make. */
class RecordingVerifier implements UserCredentialsVerifier {
  readonly calls: [string, string][] = [];

  verify(username: string, password: string): Readonly<Record<string, AttributeValue>> | null {
    this.calls.push([username, password]);
    return username === 'alice' && password === 'wonderland'
      ? { userId: 'alice-id', plan: 'gold', level: 3 }
      : null;
  }
}

describe('resource owner password credentials grant (RFC 6749 §4.3)', () => {
  describe('without a verifier', () => {
    let fixture: OAuthistFixture;

    beforeEach(async () => {
      fixture = await createOAuthistFixture();
    });

    afterEach(() => fixture.close());

    it('is off: unsupported_grant_type', async () => {
      const grants = fixture.module.get(GrantService);
      const direct = await grants.passwordExchangeRequest({
        username: 'alice',
        password: 'wonderland',
      });
      expect(errorOf(direct).error).toBe('unsupported_grant_type');
      const routed = await grants.tokenRequest({
        grant_type: 'password',
        username: 'alice',
        password: 'wonderland',
      });
      expect(routed).toBeInstanceOf(PasswordExchangeRequest);
      expect(errorOf(routed).error).toBe('unsupported_grant_type');
    });
  });

  describe('with a verifier given as a value provider', () => {
    let fixture: OAuthistFixture;
    let grants: GrantService;
    let tokens: TokenService;
    let verifier: RecordingVerifier;
    let web: RegisteredClient;
    let spa: RegisteredClient;
    const alice = { username: 'alice', password: 'wonderland' };

    beforeEach(async () => {
      verifier = new RecordingVerifier();
      fixture = await createOAuthistFixture({
        scopes: ['profile', 'email'],
        ...withVerifier(verifier),
      });
      grants = fixture.module.get(GrantService);
      tokens = fixture.module.get(TokenService);
      const clients = fixture.module.get(ClientService);
      web = await clients.create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] });
      spa = await clients.create({
        clientType: 'user-agent',
        redirectUrls: ['https://spa.example/cb'],
      });
    });

    afterEach(() => fixture.close());

    it('a wrong password → invalid_grant (RFC 6749 §5.2)', async () => {
      const request = await grants.passwordExchangeRequest({ ...alice, password: 'nope' });
      expect(errorOf(request).error).toBe('invalid_grant');
      expect(verifier.calls).toEqual([['alice', 'nope']]);
    });

    it('an unknown user → invalid_grant', async () => {
      const request = await grants.passwordExchangeRequest({ username: 'mallory', password: 'x' });
      expect(errorOf(request).error).toBe('invalid_grant');
    });

    it('the right password issues a token carrying the verifier extras', async () => {
      const request = await grants.passwordExchangeRequest({ ...alice, scope: 'profile' });
      expect(request.isInvalid()).toBe(false);
      const issued = await request.exchangeForToken();
      expect(issued.toJSON()).toEqual({
        access_token: issued.accessToken,
        token_type: 'Bearer',
        scope: 'profile',
      });
      const token = await tokens.verifyAccessToken(issued.accessToken, 'profile');
      expect(token.extras).toEqual({ plan: 'gold', level: '3' });
      expect(token.userId).toBe('alice-id');
    });

    it('anonymous by default: the token has no client (RFC 6749 §4.3.2)', async () => {
      const request = await grants.passwordExchangeRequest(alice);
      expect(request.client).toBeNull();
      const issued = await request.exchangeForToken();
      expect((await tokens.verifyAccessToken(issued.accessToken)).clientId).toBeNull();
    });

    it('a confidential client authenticates with its secret (RFC 6749 §4.3.2)', async () => {
      const request = await grants.passwordExchangeRequest({
        ...alice,
        client_id: web.id,
        client_secret: web.secret,
      });
      expect(request.authenticationMethod).toBe('client_secret_post');
      const issued = await request.exchangeForToken();
      const token = await tokens.verifyAccessToken(issued.accessToken);
      expect(token.clientId).toBe(web.id);
      expect(await tokens.revokeGrant('alice-id', web.id)).toBe(1);
    });

    it('a confidential client without its secret → invalid_client; the password is not checked', async () => {
      const request = await grants.passwordExchangeRequest({ ...alice, client_id: web.id });
      expect(errorOf(request).error).toBe('invalid_client');
      expect(errorOf(request).status).toBe(401);
      expect(verifier.calls).toEqual([]);
    });

    it('a wrong client secret → invalid_client; the password is not checked', async () => {
      const request = await grants.passwordExchangeRequest({
        ...alice,
        client_id: web.id,
        client_secret: 'wrong',
      });
      expect(errorOf(request).error).toBe('invalid_client');
      expect(verifier.calls).toEqual([]);
    });

    it('a public client names itself by client_id', async () => {
      const request = await grants.passwordExchangeRequest({ ...alice, client_id: spa.id });
      expect(request.authenticationMethod).toBe('none');
      const issued = await request.exchangeForToken();
      expect((await tokens.verifyAccessToken(issued.accessToken)).clientId).toBe(spa.id);
    });

    it('clientRequired refuses an anonymous request with invalid_client', async () => {
      const request = await grants.passwordExchangeRequest(alice, { clientRequired: true });
      expect(errorOf(request).error).toBe('invalid_client');
      expect(verifier.calls).toEqual([]);
    });

    it('clientRequired still lets a public client named by client_id in', async () => {
      const request = await grants.passwordExchangeRequest(
        { ...alice, client_id: spa.id },
        { clientRequired: true },
      );
      expect(request.isInvalid()).toBe(false);
    });

    it('clientSecretRequired refuses an anonymous request with invalid_client', async () => {
      const request = await grants.passwordExchangeRequest(alice, { clientSecretRequired: true });
      expect(errorOf(request).error).toBe('invalid_client');
    });

    it('clientSecretRequired refuses a public client with unauthorized_client', async () => {
      const request = await grants.passwordExchangeRequest(
        { ...alice, client_id: spa.id },
        { clientSecretRequired: true },
      );
      expect(errorOf(request).error).toBe('unauthorized_client');
      expect(verifier.calls).toEqual([]);
    });

    it('clientSecretRequired lets an authenticated confidential client in', async () => {
      const request = await grants.passwordExchangeRequest(
        { ...alice, client_id: web.id, client_secret: web.secret },
        { clientSecretRequired: true, clientRequired: true },
      );
      expect(request.isInvalid()).toBe(false);
      await expect(request.exchangeForToken()).resolves.toBeDefined();
    });

    it.each([
      ['username', { password: 'wonderland' }],
      ['password', { username: 'alice' }],
      ['username (empty)', { username: '', password: 'wonderland' }],
    ])('a missing %s → invalid_request (RFC 6749 §4.3.2)', async (_, parameters) => {
      const request = await grants.passwordExchangeRequest(parameters);
      expect(errorOf(request).error).toBe('invalid_request');
      expect(verifier.calls).toEqual([]);
    });

    it('a scope outside the configured list → invalid_scope', async () => {
      const request = await grants.passwordExchangeRequest({ ...alice, scope: 'admin' });
      expect(errorOf(request).error).toBe('invalid_scope');
    });
  });

  describe('replacing the verifier through Nest DI', () => {
    let redis: TestRedis;
    let prefix: string;
    let module: TestingModule | undefined;

    @Injectable()
    class DiVerifier extends UserCredentialsVerifier {
      async verify(username: string, password: string) {
        return username === 'di-user' && password === 'di-pass' ? { userId: 'from-di' } : null;
      }
    }

    beforeEach(() => {
      redis = connectTestRedis();
      prefix = testPrefix();
    });

    afterEach(async () => {
      await module?.close();
      module = undefined;
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });

    async function issueFor(username: string, password: string) {
      const grants = (module as TestingModule).get(GrantService);
      return grants.passwordExchangeRequest({ username, password });
    }

    it('extraProviders: { provide: UserCredentialsVerifier, useClass }', async () => {
      module = await Test.createTestingModule({
        imports: [
          OAuthistModule.forRoot({
            redis: testRedisOption(),
            prefix,
            extraProviders: [{ provide: UserCredentialsVerifier, useClass: DiVerifier }],
          }),
        ],
      }).compile();
      await module.init();
      const good = await issueFor('di-user', 'di-pass');
      const issued = await good.exchangeForToken();
      const token = await module.get(TokenService).verifyAccessToken(issued.accessToken);
      expect(token.userId).toBe('from-di');
      expect(errorOf(await issueFor('di-user', 'wrong')).error).toBe('invalid_grant');
    });

    it("forRootAsync({ imports }): a verifier that needs a service of the application's module", async () => {
      @Injectable()
      class UsersService {
        find(name: string): { id: number; password: string } | undefined {
          return name === 'erin' ? { id: 77, password: 'river' } : undefined;
        }
      }
      @Module({ providers: [UsersService], exports: [UsersService] })
      class UsersModule {}
      @Injectable()
      class UsersVerifier implements UserCredentialsVerifier {
        constructor(private readonly users: UsersService) {}
        verify(username: string, password: string) {
          const user = this.users.find(username);
          return user?.password === password ? { userId: user.id } : null;
        }
      }
      module = await Test.createTestingModule({
        imports: [
          OAuthistModule.forRootAsync({
            imports: [UsersModule],
            useFactory: () => ({ redis: testRedisOption(), prefix }),
            extraProviders: [{ provide: UserCredentialsVerifier, useClass: UsersVerifier }],
          }),
        ],
      }).compile();
      await module.init();
      const issued = await (await issueFor('erin', 'river')).exchangeForToken();
      expect(issued.token.userId).toBe('77');
      expect(errorOf(await issueFor('erin', 'sea')).error).toBe('invalid_grant');
    });

    it('without the import, start-up names the missing dependency', async () => {
      // A connection of the test's own: Nest closes nothing of a module whose start-up failed,
      // and one oauthist opened would go on reconnecting after the test Redis stops.
      const redis = connectTestRedis();
      try {
        await expect(
          (async () => {
            @Injectable()
            class LonelyService {}
            @Injectable()
            class NeedyVerifier implements UserCredentialsVerifier {
              constructor(readonly service: LonelyService) {}
              verify() {
                return null;
              }
            }
            await Test.createTestingModule({
              imports: [
                OAuthistModule.forRoot({
                  redis,
                  prefix,
                  extraProviders: [{ provide: UserCredentialsVerifier, useClass: NeedyVerifier }],
                }),
              ],
              providers: [LonelyService],
            }).compile();
          })(),
        ).rejects.toThrow(/NeedyVerifier.*LonelyService/s);
      } finally {
        redis.disconnect();
      }
    });

    it('a verifier provider without verify() stops start-up, naming the contract', () =>
      expect(
        Test.createTestingModule({
          imports: [
            OAuthistModule.forRoot({
              redis: testRedisOption(),
              prefix,
              extraProviders: [
                { provide: UserCredentialsVerifier, useValue: { check: () => null } },
              ],
            }),
          ],
        })
          .compile()
          .then((compiled) => compiled.init()),
      ).rejects.toThrow(/UserCredentialsVerifier.*verify\(username, password\)/));

    it('the removed passwordVerifier option stops start-up with a pointer to extraProviders', () => {
      return expect(
        Test.createTestingModule({
          imports: [
            OAuthistModule.forRoot({
              redis: testRedisOption(),
              prefix,
              ...({ passwordVerifier: new RecordingVerifier() } as object),
            }),
          ],
        }).compile(),
      ).rejects.toThrow(/passwordVerifier.*extraProviders/);
    });

    it('Test.createTestingModule(...).overrideProvider(UserCredentialsVerifier).useValue(...)', async () => {
      const calls: string[] = [];
      module = await Test.createTestingModule({
        imports: [OAuthistModule.forRoot({ redis: testRedisOption(), prefix })],
      })
        .overrideProvider(UserCredentialsVerifier)
        .useValue({
          verify: (username: string, password: string) => {
            calls.push(username);
            return password === 'override' ? { userId: `${username}-overridden` } : null;
          },
        })
        .compile();
      await module.init();
      const issued = await (await issueFor('carol', 'override')).exchangeForToken();
      const token = await module.get(TokenService).verifyAccessToken(issued.accessToken);
      expect(token.userId).toBe('carol-overridden');
      expect(token.extras).toEqual({});
      expect(errorOf(await issueFor('carol', 'nope')).error).toBe('invalid_grant');
      expect(calls).toEqual(['carol', 'carol']);
    });
  });
});
