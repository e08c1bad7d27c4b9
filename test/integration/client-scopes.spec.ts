import {
  AttributeValue,
  ClientService,
  GrantService,
  OAuthError,
  RegisteredClient,
  TokenService,
  UserCredentialsVerifier,
} from '../../lib';
import { countStoredTokens, errorOf } from '../support/grants';
import { withVerifier } from '../support/module-options';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { queryOf } from '../support/pkce';

class AliceOnly implements UserCredentialsVerifier {
  verify(username: string, password: string): Readonly<Record<string, AttributeValue>> | null {
    return username === 'alice' && password === 'wonderland' ? { userId: 'alice' } : null;
  }
}

/**
 * RFC 6749 §10.3 and §3.3: the server takes the client into account. A client registered with
 * a list of scopes gets no other scope on any grant; one without a list may ask for any scope
 * the server issues, as before.
 */
describe('scopes allowed per client', () => {
  let fixture: OAuthistFixture;
  let clients: ClientService;
  let grants: GrantService;
  let tokens: TokenService;
  let reporter: RegisteredClient;
  let anyScope: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({
      scopes: ['reports', 'profile', 'admin'],
      ...withVerifier(new AliceOnly()),
    });
    clients = fixture.module.get(ClientService);
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    reporter = await clients.create({
      clientType: 'web',
      redirectUrls: ['https://reports.example/cb'],
      scopes: ['reports', 'profile'],
    });
    anyScope = await clients.create({
      clientType: 'web',
      redirectUrls: ['https://any.example/cb'],
    });
  });

  afterEach(() => fixture.close());

  async function refusal(action: () => Promise<unknown>): Promise<OAuthError> {
    const error = await action().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OAuthError);
    return error as OAuthError;
  }

  describe('registration', () => {
    it('keeps the list, and reads it back on get, list and find', async () => {
      expect(reporter.scopes).toEqual(['reports', 'profile']);
      expect((await clients.get(reporter.id))?.scopes).toEqual(['reports', 'profile']);
      expect((await clients.get(anyScope.id))?.scopes).toBeNull();
      const listed = await clients.list();
      expect(listed.find((client) => client.id === reporter.id)?.scopes).toEqual([
        'reports',
        'profile',
      ]);
    });

    it('keeps each scope once', async () => {
      const client = await clients.create({
        clientType: 'native',
        redirectUrls: ['com.example.app:/cb'],
        scopes: ['profile', 'profile'],
      });
      expect(client.scopes).toEqual(['profile']);
    });

    it.each([
      [
        'a scope the server does not issue',
        ['reports', 'billing'],
        /'billing' is not a scope this server issues/,
      ],
      ['a malformed scope token (RFC 6749 §3.3)', ['two words'], /not a scope token/],
      ['a list that is not an array', 'reports', /must be an array/],
    ])(
      'refuses %s with invalid_client_metadata, saving nothing',
      async (_case, scopes, message) => {
        const before = await clients.count();
        const error = await refusal(() =>
          clients.create({
            clientType: 'web',
            redirectUrls: ['https://x.example/cb'],
            scopes: scopes as string[],
          }),
        );
        expect(error.error).toBe('invalid_client_metadata');
        expect(error.description).toMatch(message);
        expect(await clients.count()).toBe(before);
      },
    );

    it('update() replaces the list, and null lets the client ask for any scope again', async () => {
      expect((await clients.update(reporter.id, { scopes: ['admin'] }))?.scopes).toEqual(['admin']);
      expect((await clients.update(reporter.id, { scopes: null }))?.scopes).toBeNull();
      expect((await clients.update(reporter.id, { attributes: { a: 'b' } }))?.scopes).toBeNull();
      const error = await refusal(() => clients.update(reporter.id, { scopes: ['billing'] }));
      expect(error.error).toBe('invalid_client_metadata');
      expect((await clients.get(reporter.id))?.scopes).toBeNull();
    });
  });

  describe('client credentials (RFC 6749 §4.4)', () => {
    it('refuses a scope beyond the list with invalid_scope, storing nothing', async () => {
      const request = await grants.clientCredentialsRequest({
        client_id: reporter.id,
        client_secret: reporter.secret,
        scope: 'reports admin',
      });
      const error = errorOf(request);
      expect(error.error).toBe('invalid_scope');
      expect(error.description).toContain('admin');
      expect(error.description).not.toContain('reports');
      expect((await request.respond()).status).toBe(400);
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('issues what the list allows', async () => {
      const request = await grants.clientCredentialsRequest({
        client_id: reporter.id,
        client_secret: reporter.secret,
        scope: 'reports',
      });
      const issued = await request.exchangeForToken();
      expect((await tokens.verifyAccessToken(issued.accessToken, 'reports')).scopes).toEqual([
        'reports',
      ]);
    });

    it('lets a client without a list ask for any configured scope, as before', async () => {
      const request = await grants.clientCredentialsRequest({
        client_id: anyScope.id,
        client_secret: anyScope.secret,
        scope: 'admin',
      });
      expect(request.isInvalid()).toBe(false);
    });
  });

  describe('password (RFC 6749 §4.3)', () => {
    it('refuses a scope beyond the list with invalid_scope', async () => {
      const request = await grants.passwordExchangeRequest({
        client_id: reporter.id,
        client_secret: reporter.secret,
        username: 'alice',
        password: 'wonderland',
        scope: 'admin',
      });
      expect(errorOf(request).error).toBe('invalid_scope');
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('issues what the list allows', async () => {
      const request = await grants.passwordExchangeRequest({
        client_id: reporter.id,
        client_secret: reporter.secret,
        username: 'alice',
        password: 'wonderland',
        scope: 'profile',
      });
      expect(request.isInvalid()).toBe(false);
    });
  });

  describe('authorization code (RFC 6749 §4.1.2.1)', () => {
    it('sends invalid_scope back to the client for a scope beyond the list, saving nothing', async () => {
      const request = await grants.codeRequest({
        client_id: reporter.id,
        redirect_uri: 'https://reports.example/cb',
        scope: 'profile admin',
        state: 's1',
      });
      expect(request.isBroken()).toBe(false);
      expect(request.isInvalid()).toBe(true);
      expect(queryOf(request.getRedirect())).toMatchObject({ error: 'invalid_scope', state: 's1' });
    });

    it('lets the list through', async () => {
      const request = await grants.codeRequest({
        client_id: reporter.id,
        redirect_uri: 'https://reports.example/cb',
        scope: 'profile',
      });
      expect(request.isInvalid()).toBe(false);
    });
  });
});
