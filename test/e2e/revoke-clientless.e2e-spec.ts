import request from 'supertest';
import type { UserCredentialsVerifier } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { NEVER_ISSUED } from '../support/grants';
import { clientCredentialsToken, E2eApp, startE2eApp } from '../support/http-flows';
import { withVerifier } from '../support/module-options';
import { BASIC_CHALLENGE, expectTokenError } from '../support/rfc-assertions';

const verifier: UserCredentialsVerifier = {
  verify: (username, password) => (password === 'pw' ? { userId: username } : null),
};

/**
 * A token issued to no client (the password grant with `passwordGrantWithoutClient`) has no
 * client to ask the revocation endpoint for it (RFC 7009 §2.1 has the client authenticate and
 * own the token). A request that names no client may revoke such a token, and only such a one.
 */
describe.each(ADAPTERS)('revoking a token issued to no client (%s)', (adapter) => {
  let e2e: E2eApp;

  beforeAll(async () => {
    e2e = await startE2eApp(adapter, {
      scopes: ['profile'],
      passwordGrantWithoutClient: true,
      ...withVerifier(verifier),
    });
  });
  afterAll(() => e2e.close());

  const post = (path: string): request.Test => request(e2e.server).post(path).type('form');
  const me = (token: string): request.Test =>
    request(e2e.server).get('/api/me').set('Authorization', `Bearer ${token}`);

  async function clientlessToken(): Promise<string> {
    const issued = await post('/oauth/token')
      .send({ grant_type: 'password', username: 'zoe', password: 'pw', scope: 'profile' })
      .expect(200);
    return (issued.body as { access_token: string }).access_token;
  }

  it('revokes it for a request that names no client, and it stops working', async () => {
    const token = await clientlessToken();
    await me(token).expect(200);
    const answer = await post('/oauth/revoke').send({ token }).expect(200);
    expect(answer.text).toBe('');
    expect(answer.headers['cache-control']).toBe('no-store');
    await me(token).expect(401);
  });

  it('answers 200 for an unknown token as for any (RFC 7009 §2.2)', async () => {
    expect((await post('/oauth/revoke').send({ token: NEVER_ISSUED })).status).toBe(200);
  });

  it("leaves a client's token to that client: 401 invalid_client, and it still works", async () => {
    const web = await e2e.clients.create({
      clientType: 'web',
      redirectUrls: ['https://web.example/cb'],
    });
    const token = await clientCredentialsToken(e2e.server, web, 'profile');
    expectTokenError(await post('/oauth/revoke').send({ token }), {
      status: 401,
      error: 'invalid_client',
      description: 'the client must authenticate or send client_id (RFC 7009 section 2.1)',
      challenge: BASIC_CHALLENGE,
    });
    await me(token).expect(200);
  });

  it('still refuses a wrong secret, and a client may not revoke a token issued to none', async () => {
    const token = await clientlessToken();
    const web = await e2e.clients.create({
      clientType: 'web',
      redirectUrls: ['https://web.example/cb'],
    });
    const wrong = await post('/oauth/revoke').send({
      token,
      client_id: web.id,
      client_secret: 'wrong',
    });
    expect(wrong.status).toBe(401);
    const other = await post('/oauth/revoke').send({
      token,
      client_id: web.id,
      client_secret: web.secret as string,
    });
    expect(other.status).toBe(400);
    expect((other.body as { error: string }).error).toBe('unauthorized_client');
    await me(token).expect(200);
  });
});
