import {
  ClientService,
  fromRequest,
  GrantService,
  RegisteredClient,
  TokenService,
} from '../../lib';
import { basic, expectNotStored, obtainCode } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { fragmentOf, pkcePair } from '../support/pkce';
import { withVerifier } from '../support/module-options';

const PASSWORD = 'correct horse battery staple';

describe('what Redis holds after the flows (design: only hashes of secrets)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let web: RegisteredClient;
  let spa: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({
      scopes: ['profile', 'email'],
      implicitGrant: true,
      accessTokenTtl: 3600,
      ...withVerifier({
        verify: (username, password) =>
          username === 'alice' && password === PASSWORD ? { userId: 'alice' } : null,
      }),
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

  it('holds no raw token, code, pending id, client secret, verifier or password', async () => {
    const secrets: string[] = [web.secret as string];

    // A replay leaves a used code and a tombstone behind: both must keep hashes only.
    const webCode = await obtainCode(grants, web, { scope: 'profile' });
    const basicExchange = () =>
      grants.tokenRequest(
        fromRequest({
          method: 'POST',
          body: { grant_type: 'authorization_code', code: webCode },
          headers: { authorization: basic(web.id, web.secret as string) },
        }),
      );
    const webToken = await (await basicExchange()).exchangeForToken();
    await expect((await basicExchange()).exchangeForToken()).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    secrets.push(webCode, webToken.accessToken);

    // The verifier reaches the exchange script, which must compare it, not keep it.
    const { verifier, challenge } = pkcePair();
    const spaCode = await obtainCode(grants, spa, {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const spaToken = await (
      await grants.codeExchangeRequest({
        code: spaCode,
        client_id: spa.id,
        code_verifier: verifier,
      })
    ).exchangeForToken();
    secrets.push(spaCode, verifier, spaToken.accessToken);

    // Codes and requests nobody answered stay in Redis until they expire.
    secrets.push(await obtainCode(grants, web, {}, { userId: 'bob' }));
    const waiting = await (await grants.codeRequest({ client_id: web.id })).saveCode();
    const declined = await (await grants.codeRequest({ client_id: web.id })).saveCode();
    await declined.decline();
    secrets.push(waiting.id, declined.id);

    // The implicit grant issues without a code: a second path to the token store.
    const implicit = await grants.accessTokenRequest({ client_id: spa.id, scope: 'email' });
    secrets.push(fragmentOf(await implicit.accept({ userId: 'carol' })).access_token);
    const implicitPending = await (
      await grants.accessTokenRequest({ client_id: spa.id })
    ).savePending({ userId: 'dave' });
    secrets.push(implicitPending.id, fragmentOf(await implicitPending.accept()).access_token);

    // The password passes through the verifier only; a revoked token leaves a tombstone.
    const passwordToken = await (
      await grants.passwordExchangeRequest({ username: 'alice', password: PASSWORD })
    ).exchangeForToken();
    const clientToken = await (
      await grants.clientCredentialsRequest({ client_id: web.id, client_secret: web.secret })
    ).exchangeForToken();
    await tokens.revokeAccessToken(clientToken.accessToken);
    secrets.push(passwordToken.accessToken, clientToken.accessToken, PASSWORD);

    // Rotation writes a new secret hash in place of the old one.
    const rotated = await fixture.module.get(ClientService).rotateSecret(web.id);
    secrets.push(rotated?.secret as string);

    await expect(tokens.verifyAccessToken(spaToken.accessToken)).resolves.toBeDefined();
    await expectNotStored(fixture, secrets);
  });
});
