import {
  ClientService,
  fromRequest,
  GrantService,
  RegisteredClient,
  TokenService,
} from '../../lib';
import { countStoredTokens } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { fragmentOf, queryOf } from '../support/pkce';

const SPA_URI = 'https://spa.example/cb?app=1';

async function setUp(
  options: Parameters<typeof createOAuthistFixture>[0],
): Promise<{ fixture: OAuthistFixture; grants: GrantService; spa: RegisteredClient }> {
  const fixture = await createOAuthistFixture({ scopes: ['profile', 'email'], ...options });
  const spa = await fixture.module.get(ClientService).create({
    clientType: 'user-agent',
    redirectUrls: [SPA_URI],
  });
  return { fixture, grants: fixture.module.get(GrantService), spa };
}

/** The redirect's query must be the registered one: nothing of the answer leaks into it. */
function expectQueryUntouched(redirect: string): void {
  expect(queryOf(redirect)).toEqual({ app: '1' });
  expect(redirect.startsWith('https://spa.example/cb?app=1#')).toBe(true);
}

describe('implicit grant (RFC 6749 §4.2)', () => {
  describe('off by default (RFC 9700 §2.1.2)', () => {
    let fixture: OAuthistFixture;
    let grants: GrantService;
    let spa: RegisteredClient;

    beforeEach(async () => {
      ({ fixture, grants, spa } = await setUp({}));
    });

    afterEach(() => fixture.close());

    it('answers unsupported_response_type in the fragment and issues nothing', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id, state: 'st' });
      expect(request.isBroken()).toBe(false);
      expect(request.isValid()).toBe(false);
      expect(request.error?.error).toBe('unsupported_response_type');
      const redirect = await request.getRedirect();
      expectQueryUntouched(redirect);
      expect(fragmentOf(redirect)).toEqual({
        error: 'unsupported_response_type',
        error_description: expect.any(String),
        state: 'st',
      });
      await expect(request.savePending({ userId: 'alice' })).rejects.toMatchObject({
        error: 'unsupported_response_type',
      });
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('answers the same to an HTTP request with response_type=token', async () => {
      const request = await grants.accessTokenRequest(
        fromRequest({
          method: 'GET',
          query: { client_id: spa.id, response_type: 'token', state: 'st' },
        }),
      );
      expect(fragmentOf(await request.getRedirect())).toMatchObject({
        error: 'unsupported_response_type',
        state: 'st',
      });
    });

    it('still tells a broken request apart: no redirect at all (RFC 6749 §4.2.2.1)', async () => {
      const request = await grants.accessTokenRequest({
        client_id: spa.id,
        redirect_uri: 'https://evil.example/cb',
      });
      expect(request.isBroken()).toBe(true);
      await expect(request.getRedirect()).rejects.toThrow(/must not be redirected/);
    });
  });

  describe('with implicitGrant: true', () => {
    let fixture: OAuthistFixture;
    let grants: GrantService;
    let tokens: TokenService;
    let spa: RegisteredClient;

    beforeEach(async () => {
      ({ fixture, grants, spa } = await setUp({ implicitGrant: true }));
      tokens = fixture.module.get(TokenService);
    });

    afterEach(() => fixture.close());

    it('issues the token in the fragment (RFC 6749 §4.2.2)', async () => {
      const request = await grants.accessTokenRequest({
        client_id: spa.id,
        scope: 'profile',
        state: 'xyz',
      });
      expect(request.isValid()).toBe(true);
      expect(request.isBroken()).toBe(false);
      const redirect = await request.accept({ userId: 'alice', level: 3 });
      expectQueryUntouched(redirect);
      const fragment = fragmentOf(redirect);
      expect(fragment).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        scope: 'profile',
        state: 'xyz',
      });
      const token = await tokens.verifyAccessToken(fragment.access_token, 'profile');
      expect(token.clientId).toBe(spa.id);
      expect(token.userId).toBe('alice');
      expect(token.extras).toEqual({ level: '3' });
      expect(token.expiresAt).toBeNull();
    });

    it('needs no PKCE: there is no code to protect', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id });
      expect(request.isValid()).toBe(true);
    });

    it('getRedirect() never issues: a good request without an error is a TypeError', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id });
      await expect(request.getRedirect()).rejects.toThrow(/accept\(extras\) issues the token/);
      await expect(
        request.getRedirect({ extras: { userId: 'alice' } } as unknown as { error: undefined }),
      ).rejects.toThrow(TypeError);
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('accept() of an invalid request throws its error and issues nothing', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id, scope: 'a"b' });
      await expect(request.accept({ userId: 'alice' })).rejects.toMatchObject({
        error: 'invalid_scope',
      });
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('refuses with the error given, in the fragment, issuing nothing (RFC 6749 §4.2.2.1)', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id, state: 'xyz' });
      const redirect = await request.getRedirect({ error: 'access_denied' });
      expectQueryUntouched(redirect);
      expect(fragmentOf(redirect)).toEqual({
        error: 'access_denied',
        error_description: expect.any(String),
        state: 'xyz',
      });
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('reports an invalid scope in the fragment', async () => {
      const request = await grants.accessTokenRequest({
        client_id: spa.id,
        scope: 'admin',
        state: 'xyz',
      });
      expect(request.isValid()).toBe(false);
      const redirect = await request.getRedirect();
      expectQueryUntouched(redirect);
      expect(fragmentOf(redirect)).toMatchObject({ error: 'invalid_scope', state: 'xyz' });
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('refuses response_type=code at the implicit request', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id, response_type: 'code' });
      expect(request.error?.error).toBe('unsupported_response_type');
    });

    it('savePending then accept() issues the token in the fragment', async () => {
      const request = await grants.accessTokenRequest({
        client_id: spa.id,
        scope: 'email profile',
        state: 'xyz',
      });
      const saved = await request.savePending({ userId: 'alice', a: 1 });
      const pending = await grants.getPendingAuthorization(saved.id);
      expect(pending?.responseType).toBe('token');
      const redirect = (await pending?.accept({ b: false })) as string;
      expectQueryUntouched(redirect);
      const fragment = fragmentOf(redirect);
      expect(fragment).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        scope: 'email profile',
        state: 'xyz',
      });
      expect(fragment.code).toBeUndefined();
      const token = await tokens.verifyAccessToken(fragment.access_token, 'email');
      expect(token.extras).toEqual({ a: '1', b: 'false' });
      expect(await tokens.revokeGrant('alice', spa.id)).toBe(1);
    });

    it('accept() after the client was deleted refuses, issuing no token nothing would revoke', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id, state: 'xyz' });
      const saved = await request.savePending({ userId: 'alice' });
      const pending = await grants.getPendingAuthorization(saved.id);
      expect(await fixture.module.get(ClientService).delete(spa.id)).toBe(true);
      await expect(pending?.accept()).rejects.toMatchObject({
        error: 'invalid_request',
        description: 'the client of this request no longer exists',
      });
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('savePending then decline() answers in the fragment', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id, state: 'xyz' });
      const pending = await request.savePending({ userId: 'alice' });
      const redirect = await pending.decline();
      expectQueryUntouched(redirect);
      expect(fragmentOf(redirect)).toMatchObject({ error: 'access_denied', state: 'xyz' });
      expect(await countStoredTokens(fixture)).toBe(0);
    });
  });

  describe('with implicitGrant: true and an issuer', () => {
    let fixture: OAuthistFixture;
    let grants: GrantService;
    let spa: RegisteredClient;

    beforeEach(async () => {
      ({ fixture, grants, spa } = await setUp({
        implicitGrant: true,
        issuer: 'https://auth.example',
      }));
    });

    afterEach(() => fixture.close());

    it('names the issuer in the fragment (RFC 9207 §2)', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id });
      const granted = fragmentOf(await request.accept({ userId: 'alice' }));
      expect(granted.iss).toBe('https://auth.example');
      const refused = fragmentOf(await request.getRedirect({ error: 'access_denied' }));
      expect(refused).toMatchObject({ error: 'access_denied', iss: 'https://auth.example' });
    });
  });

  describe('with implicitGrant: true and accessTokenTtl', () => {
    let fixture: OAuthistFixture;
    let grants: GrantService;
    let spa: RegisteredClient;

    beforeEach(async () => {
      ({ fixture, grants, spa } = await setUp({ implicitGrant: true, accessTokenTtl: 300 }));
    });

    afterEach(() => fixture.close());

    it('adds expires_in (RFC 6749 §4.2.2)', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id, state: 'xyz' });
      const fragment = fragmentOf(await request.accept({ userId: 'alice' }));
      expect(fragment).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: '300',
        state: 'xyz',
      });
      const token = await fixture.module.get(TokenService).verifyAccessToken(fragment.access_token);
      expect(token.expiresAt).not.toBeNull();
    });
  });
});
