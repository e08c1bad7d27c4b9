import {
  ClientCredentialsRequest,
  ClientService,
  fromRequest,
  GrantService,
  RegisteredClient,
  TokenService,
} from '../../lib';
import { basic, countStoredTokens, errorOf } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';

describe('client credentials grant (RFC 6749 §4.4)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let web: RegisteredClient;
  let native: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['reports', 'admin'] });
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    const clients = fixture.module.get(ClientService);
    web = await clients.create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] });
    native = await clients.create({ clientType: 'native', redirectUrls: ['com.example.app:/cb'] });
  });

  afterEach(() => fixture.close());

  it('gives a web client a token of its own, with no user (RFC 6749 §4.4.3)', async () => {
    const request = await grants.clientCredentialsRequest({
      client_id: web.id,
      client_secret: web.secret,
      scope: 'reports',
    });
    expect(request.isInvalid()).toBe(false);
    const issued = await request.exchangeForToken();
    expect(issued.toJSON()).toEqual({
      access_token: issued.accessToken,
      token_type: 'Bearer',
      scope: 'reports',
    });
    const token = await tokens.verifyAccessToken(issued.accessToken, 'reports');
    expect(token.clientId).toBe(web.id);
    expect(token.userId).toBeUndefined();
    expect(token.extras).toEqual({});
    const introspection = await tokens.introspect(issued.accessToken);
    expect(introspection).toMatchObject({ active: true, client_id: web.id });
    expect(introspection).not.toHaveProperty('sub');
  });

  it('works through the token endpoint with HTTP Basic (RFC 6749 §4.4.2)', async () => {
    const request = await grants.tokenRequest(
      fromRequest({
        method: 'POST',
        body: { grant_type: 'client_credentials' },
        headers: { authorization: basic(web.id, web.secret as string) },
      }),
    );
    expect(request).toBeInstanceOf(ClientCredentialsRequest);
    expect(request.authenticationMethod).toBe('client_secret_basic');
    const response = await request.respond();
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body) as { access_token: string };
    expect((await tokens.verifyAccessToken(body.access_token)).clientId).toBe(web.id);
  });

  it('refuses a public client with unauthorized_client', async () => {
    const request = await grants.clientCredentialsRequest({ client_id: native.id });
    expect(errorOf(request).error).toBe('unauthorized_client');
    expect(await countStoredTokens(fixture)).toBe(0);
  });

  it('refuses a request without client authentication with invalid_client', async () => {
    const request = await grants.clientCredentialsRequest({ scope: 'reports' });
    const error = errorOf(request);
    expect(error.error).toBe('invalid_client');
    expect(error.status).toBe(401);
    await expect(request.exchangeForToken()).rejects.toBe(error);
    expect(await countStoredTokens(fixture)).toBe(0);
  });

  it('refuses a confidential client that sends only its client_id with invalid_client', async () => {
    const request = await grants.clientCredentialsRequest({ client_id: web.id });
    expect(errorOf(request).error).toBe('invalid_client');
  });

  it('refuses a wrong secret with invalid_client', async () => {
    const request = await grants.clientCredentialsRequest({
      client_id: web.id,
      client_secret: 'wrong',
    });
    expect(errorOf(request).error).toBe('invalid_client');
  });

  it('refuses a scope outside the configured list with invalid_scope', async () => {
    const request = await grants.clientCredentialsRequest({
      client_id: web.id,
      client_secret: web.secret,
      scope: 'reports delete-everything',
    });
    expect(errorOf(request).error).toBe('invalid_scope');
    expect(await countStoredTokens(fixture)).toBe(0);
  });
});
