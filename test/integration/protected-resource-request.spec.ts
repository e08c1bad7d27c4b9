import { ClientService, InvalidAccessToken, OAuthError, TokenService } from '../../lib';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('ProtectedResourceRequest: the bearer token outside the guard (RFC 6750 §2)', () => {
  let fixture: OAuthistFixture;
  let tokens: TokenService;
  let token: string;

  beforeAll(async () => {
    fixture = await createOAuthistFixture({ bearerTokenInQuery: true });
    tokens = fixture.module.get(TokenService);
    const client = await fixture.module
      .get(ClientService)
      .create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] });
    token = (await tokens.issueAccessToken({ clientId: client.id, scopes: ['profile'] }))
      .accessToken;
  });

  afterAll(() => fixture.close());

  it('reads the Authorization header (§2.1) and verifies with any-of scopes', async () => {
    const resource = tokens.protectedResourceRequest({
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(resource.accessToken).toBe(token);
    expect(resource.error).toBeNull();
    expect((await resource.verifyAccessToken('admin', 'profile')).scopes).toEqual(['profile']);
    await expect(resource.verifyAccessToken('admin')).rejects.toMatchObject({
      reason: 'insufficient_scope',
    });
  });

  it('reads a form body (§2.2) and, where the option allows it, the query (§2.3)', async () => {
    const body = tokens.protectedResourceRequest({
      method: 'POST',
      headers: FORM,
      body: { access_token: token },
    });
    expect(body.accessToken).toBe(token);
    const query = tokens.protectedResourceRequest({
      method: 'GET',
      query: { access_token: token },
    });
    expect(query.accessToken).toBe(token);
  });

  it('finds nothing in the body of a GET (§2.2), and says a missing token is missing', async () => {
    const resource = tokens.protectedResourceRequest({
      method: 'GET',
      headers: FORM,
      body: { access_token: token },
    });
    expect(resource.accessToken).toBeNull();
    expect(resource.error).toBeNull();
    const refusal = await resource.verifyAccessToken().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InvalidAccessToken);
    expect(refusal).toMatchObject({ reason: 'missing', error: 'invalid_token', status: 401 });
  });

  it.each([
    [
      'two methods at once (§2)',
      { authorization: `Bearer ${'t'.repeat(43)}` },
      { access_token: 'x' },
    ],
    ['a malformed header (§2.1)', { authorization: 'Bearer a b' }, undefined],
  ])('refuses %s with invalid_request, which verify throws', async (_case, headers, query) => {
    const resource = tokens.protectedResourceRequest({ method: 'GET', headers, query });
    expect(resource.accessToken).toBeNull();
    expect(resource.error).toBeInstanceOf(OAuthError);
    expect(resource.error?.error).toBe('invalid_request');
    await expect(resource.verifyAccessToken()).rejects.toBe(resource.error);
  });

  it('is a value: what was read cannot be changed', () => {
    const resource = tokens.protectedResourceRequest({ headers: { authorization: 'Bearer x' } });
    expect(() => {
      (resource as unknown as { accessToken: string }).accessToken = token;
    }).toThrow(TypeError);
  });
});

describe('ProtectedResourceRequest with the query turned off (the default, RFC 9700 §4.3.2)', () => {
  it('leaves a token in the query unread', async () => {
    const fixture = await createOAuthistFixture();
    try {
      const resource = fixture.module
        .get(TokenService)
        .protectedResourceRequest({ method: 'GET', query: { access_token: 'x'.repeat(43) } });
      expect(resource.accessToken).toBeNull();
      expect(resource.error).toBeNull();
    } finally {
      await fixture.close();
    }
  });
});
