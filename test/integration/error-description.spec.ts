import {
  ClientService,
  fromRequest,
  GrantService,
  OAuthError,
  RegisteredClient,
  TokenService,
} from '../../lib';
import { basic, NEVER_ISSUED, obtainCode } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { pkcePair, queryOf } from '../support/pkce';

/** RFC 6749 §4.1.2.1, §5.2 (and RFC 6750 §3): error-description = *( %x20-21 / %x23-5B / %x5D-7E ). */
const ALLOWED = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A client-controlled value with every kind of character the grammar forbids. */
const HOSTILE = 'x"\\é\n€';

describe('error_description stays within its grammar (RFC 6749 §4.1.2.1, §5.2)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let web: RegisteredClient;
  let spa: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['profile'] });
    grants = fixture.module.get(GrantService);
    const clients = fixture.module.get(ClientService);
    web = await clients.create({
      clientType: 'web',
      redirectUrls: ['https://web.example/a', 'https://web.example/b'],
    });
    spa = await clients.create({
      clientType: 'user-agent',
      redirectUrls: ['https://spa.example/cb'],
    });
  });

  afterEach(() => fixture.close());

  describe('in the redirect of an invalid authorization request', () => {
    const cases: [string, () => Record<string, unknown>][] = [
      ['an unsupported response_type', () => ({ client_id: web.id, response_type: HOSTILE })],
      [
        'an unknown code_challenge_method',
        () => ({
          client_id: spa.id,
          response_type: 'code',
          code_challenge: pkcePair().challenge,
          code_challenge_method: HOSTILE,
        }),
      ],
      ['a malformed scope', () => ({ client_id: web.id, response_type: 'code', scope: 'a  b' })],
      ['a public client without PKCE', () => ({ client_id: spa.id, response_type: 'code' })],
      [
        'a malformed S256 challenge',
        () => ({
          client_id: spa.id,
          response_type: 'code',
          code_challenge: 'short',
          code_challenge_method: 'S256',
        }),
      ],
    ];

    it.each(cases)('%s', async (_, query) => {
      const parameters = query();
      if (parameters.client_id === web.id) parameters.redirect_uri = 'https://web.example/a';
      const request = await grants.codeRequest(fromRequest({ method: 'GET', query: parameters }));
      expect(request.isBroken()).toBe(false);
      const { error_description } = queryOf(request.getRedirect());
      expect(error_description).toMatch(ALLOWED);
    });

    it('the implicit grant turned off', async () => {
      const request = await grants.accessTokenRequest({ client_id: spa.id });
      expect(request.error?.description).toMatch(ALLOWED);
    });
  });

  describe('in the token endpoint error response', () => {
    async function descriptionOf(promise: Promise<unknown>): Promise<string> {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OAuthError);
      const body = JSON.parse((error as OAuthError).toResponse().body) as {
        error_description: string;
      };
      return body.error_description;
    }

    async function tokenError(body: Record<string, unknown>, authorization?: string) {
      const request = await grants.tokenRequest(
        fromRequest({ method: 'POST', body, headers: { authorization } }),
      );
      return descriptionOf(request.exchangeForToken());
    }

    it('an unsupported grant_type', async () => {
      expect(await tokenError({ grant_type: HOSTILE })).toMatch(ALLOWED);
    });

    it('a malformed code_verifier', async () => {
      const body = { grant_type: 'authorization_code', code: NEVER_ISSUED, code_verifier: 'x' };
      expect(await tokenError(body)).toMatch(ALLOWED);
    });

    it('a confidential client without its secret', async () => {
      const body = { grant_type: 'authorization_code', code: NEVER_ISSUED, client_id: web.id };
      expect(await tokenError(body)).toMatch(ALLOWED);
    });

    it('two client authentication methods', async () => {
      const body = { grant_type: 'client_credentials', client_secret: 'x', client_id: web.id };
      expect(await tokenError(body, basic(web.id, web.secret as string))).toMatch(ALLOWED);
    });

    it('a public client asking for client credentials', async () => {
      expect(await tokenError({ grant_type: 'client_credentials', client_id: spa.id })).toMatch(
        ALLOWED,
      );
    });

    it('client credentials without any client', async () => {
      expect(await tokenError({ grant_type: 'client_credentials' })).toMatch(ALLOWED);
    });

    it('every refusal of the code exchange itself', async () => {
      const exchange = async (code: string, extra: Record<string, unknown>) =>
        descriptionOf(
          (
            await grants.codeExchangeRequest({
              code,
              client_id: web.id,
              client_secret: web.secret,
              ...extra,
            } as Record<string, string>)
          ).exchangeForToken(),
        );
      const { verifier, challenge } = pkcePair();
      const withPkce = await obtainCode(grants, web, {
        redirect_uri: 'https://web.example/a',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const descriptions = [
        await exchange(withPkce, {
          redirect_uri: 'https://web.example/b',
          code_verifier: verifier,
        }),
        await exchange(withPkce, { redirect_uri: 'https://web.example/a' }),
        await exchange(withPkce, {
          redirect_uri: 'https://web.example/a',
          code_verifier: pkcePair().verifier,
        }),
      ];
      const plain = await obtainCode(grants, web, { redirect_uri: 'https://web.example/a' });
      descriptions.push(
        await exchange(plain, {
          redirect_uri: 'https://web.example/a',
          code_verifier: pkcePair().verifier,
        }),
      );
      const used = await obtainCode(grants, web, { redirect_uri: 'https://web.example/a' });
      await (
        await grants.codeExchangeRequest({
          code: used,
          client_id: web.id,
          client_secret: web.secret,
          redirect_uri: 'https://web.example/a',
        })
      ).exchangeForToken();
      descriptions.push(await exchange(used, { redirect_uri: 'https://web.example/a' }));
      descriptions.push(await exchange(NEVER_ISSUED, {}));
      for (const description of descriptions) expect(description).toMatch(ALLOWED);
    });
  });

  it('in the refusals of a bearer token (RFC 6750 §3)', async () => {
    const tokens = fixture.module.get(TokenService);
    const issued = await tokens.issueAccessToken({ clientId: web.id, scopes: ['profile'] });
    // Caught as they are made: awaited one by one, a later refusal could settle unobserved
    // while an earlier one is awaited (as on a cluster, where the keys live on other nodes).
    const refusals = [
      tokens.verifyAccessToken('garbage'),
      tokens.verifyAccessToken(NEVER_ISSUED),
      tokens.verifyAccessToken(issued.accessToken, 'admin'),
    ].map((refusal) => refusal.catch((e: unknown) => e));
    for (const refusal of refusals) {
      const error = (await refusal) as OAuthError;
      expect(error.description).toMatch(ALLOWED);
    }
  });
});
