import {
  ClientService,
  CodeExchangeRequest,
  fromRequest,
  GrantService,
  OAuthError,
  RegisteredClient,
  TokenService,
} from '../../lib';
import {
  basic,
  countStoredTokens,
  errorOf,
  NEVER_ISSUED,
  obtainCode,
  percentEncodeAll,
  sleep,
} from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { pkcePair, queryOf } from '../support/pkce';

describe('authorization code exchange (RFC 6749 §4.1.3)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let web: RegisteredClient;
  let other: RegisteredClient;
  let spa: RegisteredClient;
  const WEB_A = 'https://client.example/a';
  const WEB_B = 'https://client.example/b';

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['profile', 'email'] });
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    const clients = fixture.module.get(ClientService);
    web = await clients.create({ clientType: 'web', redirectUrls: [WEB_A, WEB_B] });
    other = await clients.create({ clientType: 'web', redirectUrls: ['https://other.example/cb'] });
    spa = await clients.create({
      clientType: 'user-agent',
      redirectUrls: ['https://spa.example/cb'],
    });
  });

  afterEach(() => fixture.close());

  /** A code for `web`, asked for with redirect_uri WEB_A. */
  function webCode(extra: Record<string, string> = {}): Promise<string> {
    return obtainCode(grants, web, { redirect_uri: WEB_A, ...extra });
  }

  /** Outcomes as strings, so that parallel attempts can be counted by kind. */
  async function exchangeOutcome(exchange: CodeExchangeRequest): Promise<string> {
    return exchange.exchangeForToken().then(
      (issued) => `token:${issued.accessToken}`,
      (error: unknown) => {
        if (error instanceof OAuthError) return error.error;
        throw error;
      },
    );
  }

  describe('PKCE at the exchange (RFC 7636 §4.5, §4.6)', () => {
    async function spaCode(): Promise<{ code: string; verifier: string }> {
      const { verifier, challenge } = pkcePair();
      const code = await obtainCode(grants, spa, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      return { code, verifier };
    }

    it('the right verifier gets the token', async () => {
      const { code, verifier } = await spaCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: spa.id,
        code_verifier: verifier,
      });
      expect(exchange.isInvalid()).toBe(false);
      expect(exchange.authenticationMethod).toBe('none');
      const issued = await exchange.exchangeForToken();
      expect((await tokens.verifyAccessToken(issued.accessToken)).clientId).toBe(spa.id);
    });

    it('a wrong verifier → invalid_grant (RFC 7636 §4.6)', async () => {
      const { code } = await spaCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: spa.id,
        code_verifier: pkcePair().verifier,
      });
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
    });

    it('the challenge itself sent as verifier → invalid_grant (RFC 7636 §4.6)', async () => {
      const { challenge } = pkcePair();
      const code = await obtainCode(grants, spa, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: spa.id,
        code_verifier: challenge,
      });
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
    });

    it('a missing verifier for a public client → invalid_grant (RFC 7636 §4.5)', async () => {
      const { code } = await spaCode();
      const exchange = await grants.codeExchangeRequest({ code, client_id: spa.id });
      expect(exchange.isInvalid()).toBe(false);
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
    });

    it('a missing verifier when a confidential client sent a challenge → invalid_grant', async () => {
      const { challenge } = pkcePair();
      const code = await webCode({ code_challenge: challenge, code_challenge_method: 'S256' });
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: web.id,
        client_secret: web.secret,
        redirect_uri: WEB_A,
      });
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
    });

    it('a verifier for a code issued without challenge → invalid_grant (RFC 9700 §4.8.2)', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: web.id,
        client_secret: web.secret,
        redirect_uri: WEB_A,
        code_verifier: pkcePair().verifier,
      });
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
    });

    it.each([
      ['too short', 'a'.repeat(42)],
      ['too long', 'a'.repeat(129)],
      ['outside the unreserved set', `${'a'.repeat(42)}+`],
      ['with a space', `${'a'.repeat(42)} b`],
    ])('a malformed verifier (%s) → invalid_request (RFC 7636 §4.1)', async (_, verifier) => {
      const { code } = await spaCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: spa.id,
        code_verifier: verifier,
      });
      expect(exchange.isInvalid()).toBe(true);
      expect(errorOf(exchange).error).toBe('invalid_request');
      await expect(exchange.exchangeForToken()).rejects.toBe(exchange.getError());
    });

    it('a web client may skip PKCE', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: web.id,
        client_secret: web.secret,
        redirect_uri: WEB_A,
      });
      const issued = await exchange.exchangeForToken();
      expect((await tokens.verifyAccessToken(issued.accessToken)).clientId).toBe(web.id);
    });

    describe('plain method, when enabled (RFC 7636 §4.2)', () => {
      let plainFixture: OAuthistFixture;
      let plainGrants: GrantService;
      let native: RegisteredClient;

      beforeEach(async () => {
        plainFixture = await createOAuthistFixture({ allowPlainPkce: true });
        plainGrants = plainFixture.module.get(GrantService);
        native = await plainFixture.module.get(ClientService).create({
          clientType: 'native',
          redirectUrls: ['com.example.app:/cb'],
        });
      });

      afterEach(() => plainFixture.close());

      it('works end to end, and only with the same verifier', async () => {
        const { verifier, challenge } = pkcePair();
        const code = await obtainCode(plainGrants, native, {
          code_challenge: verifier,
          code_challenge_method: 'plain',
        });
        const s256Instead = await plainGrants.codeExchangeRequest({
          code,
          client_id: native.id,
          code_verifier: challenge,
        });
        expect(await exchangeOutcome(s256Instead)).toBe('invalid_grant');
        const right = await plainGrants.codeExchangeRequest({
          code,
          client_id: native.id,
          code_verifier: verifier,
        });
        const issued = await right.exchangeForToken();
        const token = await plainFixture.module
          .get(TokenService)
          .verifyAccessToken(issued.accessToken);
        expect(token.clientId).toBe(native.id);
        expect(token.userId).toBe('alice');
      });
    });
  });

  describe('client authentication (RFC 6749 §2.3, §3.2.1)', () => {
    async function exchangeWithHeader(
      code: string,
      authorization: string,
      body: Record<string, string> = {},
    ): Promise<CodeExchangeRequest> {
      const request = await grants.tokenRequest(
        fromRequest({
          method: 'POST',
          body: { grant_type: 'authorization_code', code, redirect_uri: WEB_A, ...body },
          headers: { authorization },
        }),
      );
      expect(request).toBeInstanceOf(CodeExchangeRequest);
      return request as CodeExchangeRequest;
    }

    function expectInvalidClientWithChallenge(error: OAuthError): void {
      expect(error.error).toBe('invalid_client');
      expect(error.status).toBe(401);
      expect(error.headers['WWW-Authenticate']).toMatch(/^Basic /);
      const response = error.toResponse();
      expect(response.status).toBe(401);
      expect(response.headers['WWW-Authenticate']).toMatch(/^Basic realm=/);
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_client' });
    }

    it('client_secret_basic', async () => {
      const code = await webCode();
      const exchange = await exchangeWithHeader(code, basic(web.id, web.secret as string));
      expect(exchange.isInvalid()).toBe(false);
      expect(exchange.authenticationMethod).toBe('client_secret_basic');
      expect(exchange.client?.id).toBe(web.id);
      const issued = await exchange.exchangeForToken();
      expect((await tokens.verifyAccessToken(issued.accessToken)).clientId).toBe(web.id);
    });

    it('client_secret_basic form-url-decodes id and secret (RFC 6749 §2.3.1)', async () => {
      const code = await webCode();
      const header = basic(percentEncodeAll(web.id), percentEncodeAll(web.secret as string));
      const exchange = await exchangeWithHeader(code, header);
      expect(exchange.isInvalid()).toBe(false);
      expect(exchange.client?.id).toBe(web.id);
      await expect(exchange.exchangeForToken()).resolves.toBeDefined();
    });

    it('client_secret_basic: the scheme name is case-insensitive (RFC 9110 §11.1)', async () => {
      const code = await webCode();
      const header = basic(web.id, web.secret as string).replace(/^Basic/, 'bAsIc');
      const exchange = await exchangeWithHeader(code, header);
      expect(exchange.isInvalid()).toBe(false);
      expect(exchange.authenticationMethod).toBe('client_secret_basic');
    });

    it('client_secret_basic with a wrong secret → 401 with WWW-Authenticate (RFC 6749 §5.2)', async () => {
      const code = await webCode();
      const exchange = await exchangeWithHeader(code, basic(web.id, 'wrong-secret'));
      expectInvalidClientWithChallenge(errorOf(exchange));
    });

    it('client_secret_basic with the secret of another client → invalid_client', async () => {
      const code = await webCode();
      const exchange = await exchangeWithHeader(code, basic(web.id, other.secret as string));
      expect(errorOf(exchange).error).toBe('invalid_client');
    });

    it.each([
      ['not base64', () => 'Basic !!!not-base64!!!'],
      ['without a colon', () => `Basic ${Buffer.from('no-colon-here').toString('base64')}`],
      ['empty', () => 'Basic '],
      ['a broken percent-escape', () => basic('%zz', 'secret')],
    ])('a malformed Basic header (%s) → invalid_client', async (_, header) => {
      const code = await webCode();
      const exchange = await exchangeWithHeader(code, header());
      expectInvalidClientWithChallenge(errorOf(exchange));
    });

    it('client_secret_post', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: web.id,
        client_secret: web.secret,
        redirect_uri: WEB_A,
      });
      expect(exchange.authenticationMethod).toBe('client_secret_post');
      expect(exchange.client?.id).toBe(web.id);
      await expect(exchange.exchangeForToken()).resolves.toBeDefined();
    });

    it('client_secret_post with a wrong secret → invalid_client', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: web.id,
        client_secret: 'wrong-secret',
        redirect_uri: WEB_A,
      });
      expect(errorOf(exchange).error).toBe('invalid_client');
      expect(errorOf(exchange).status).toBe(401);
      await expect(exchange.exchangeForToken()).rejects.toMatchObject({ error: 'invalid_client' });
    });

    it('a public client by client_id alone', async () => {
      const { verifier, challenge } = pkcePair();
      const code = await obtainCode(grants, spa, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const exchange = await grants.tokenRequest(
        fromRequest({
          method: 'POST',
          body: {
            grant_type: 'authorization_code',
            code,
            client_id: spa.id,
            code_verifier: verifier,
          },
        }),
      );
      expect(exchange.authenticationMethod).toBe('none');
      expect(exchange.client?.id).toBe(spa.id);
      await expect(exchange.exchangeForToken()).resolves.toBeDefined();
    });

    it('a confidential client without its secret → 401 invalid_client with WWW-Authenticate (RFC 6749 §3.2.1)', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: web.id,
        redirect_uri: WEB_A,
      });
      expectInvalidClientWithChallenge(errorOf(exchange));
      expect((await exchange.respond()).status).toBe(401);
    });

    it('no client at all → invalid_client', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({ code, redirect_uri: WEB_A });
      expectInvalidClientWithChallenge(errorOf(exchange));
    });

    it('an unknown client_id → invalid_client', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({ code, client_id: 'no-such-client' });
      expect(errorOf(exchange).error).toBe('invalid_client');
    });

    it('Basic and a body secret together → invalid_request (RFC 6749 §2.3)', async () => {
      const code = await webCode();
      const exchange = await exchangeWithHeader(code, basic(web.id, web.secret as string), {
        client_id: web.id,
        client_secret: web.secret as string,
      });
      expect(errorOf(exchange).error).toBe('invalid_request');
    });

    it('a body client_id naming another client than Basic → invalid_request', async () => {
      const code = await webCode();
      const exchange = await exchangeWithHeader(code, basic(web.id, web.secret as string), {
        client_id: other.id,
      });
      expect(errorOf(exchange).error).toBe('invalid_request');
    });

    it('a repeated client_secret → invalid_request (RFC 6749 §3.2)', async () => {
      const code = await webCode();
      const exchange = await grants.tokenRequest(
        fromRequest({
          method: 'POST',
          body: {
            grant_type: 'authorization_code',
            code,
            client_id: web.id,
            client_secret: [web.secret, web.secret],
          },
        }),
      );
      expect(errorOf(exchange).error).toBe('invalid_request');
    });
  });

  describe('the grant itself', () => {
    it('a code issued to another client → invalid_grant', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: other.id,
        client_secret: other.secret,
        redirect_uri: WEB_A,
      });
      expect(exchange.isInvalid()).toBe(false);
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
      expect(await countStoredTokens(fixture)).toBe(0);
    });

    it('redirect_uri given at authorization is required at the exchange (RFC 6749 §4.1.3)', async () => {
      const code = await webCode();
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: web.id,
        client_secret: web.secret,
      });
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
    });

    it.each([
      ['another registered URI', WEB_B],
      ['a longer URI', `${WEB_A}/x`],
      ['a query added', `${WEB_A}?x=1`],
      ['a trailing slash', `${WEB_A}/`],
    ])(
      'redirect_uri must be identical at the exchange: %s → invalid_grant (RFC 6749 §4.1.3)',
      async (_, uri) => {
        const code = await webCode();
        const wrong = await grants.codeExchangeRequest({
          code,
          client_id: web.id,
          client_secret: web.secret,
          redirect_uri: uri,
        });
        expect(await exchangeOutcome(wrong)).toBe('invalid_grant');
        const right = await grants.codeExchangeRequest({
          code,
          client_id: web.id,
          client_secret: web.secret,
          redirect_uri: WEB_A,
        });
        expect(await exchangeOutcome(right)).toMatch(/^token:/);
      },
    );

    it('redirect_uri may be left out when the authorization request left it out', async () => {
      const code = await obtainCode(grants, other);
      const exchange = await grants.codeExchangeRequest({
        code,
        client_id: other.id,
        client_secret: other.secret,
      });
      expect(await exchangeOutcome(exchange)).toMatch(/^token:/);
    });

    it('an unknown well-formed code → invalid_grant', async () => {
      const exchange = await grants.codeExchangeRequest({
        code: NEVER_ISSUED,
        client_id: web.id,
        client_secret: web.secret,
      });
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
    });

    it('a real code with one character changed → invalid_grant', async () => {
      const code = await webCode();
      const last = code.at(-1) === 'A' ? 'B' : 'A';
      const exchange = await grants.codeExchangeRequest({
        code: code.slice(0, -1) + last,
        client_id: web.id,
        client_secret: web.secret,
        redirect_uri: WEB_A,
      });
      expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
    });

    it.each(['garbage', 'a.b', `${NEVER_ISSUED}x`, 'x'.repeat(2000)])(
      'a garbage code %# → invalid_grant',
      async (code) => {
        const exchange = await grants.codeExchangeRequest({
          code,
          client_id: web.id,
          client_secret: web.secret,
        });
        expect(await exchangeOutcome(exchange)).toBe('invalid_grant');
      },
    );

    it('a missing code → invalid_request', async () => {
      const exchange = await grants.codeExchangeRequest({
        client_id: web.id,
        client_secret: web.secret,
      });
      expect(errorOf(exchange).error).toBe('invalid_request');
    });

    it('an unsupported grant_type → unsupported_grant_type (RFC 6749 §5.2)', async () => {
      const request = await grants.tokenRequest({ grant_type: 'foo' });
      expect(errorOf(request).error).toBe('unsupported_grant_type');
      expect((await request.respond()).status).toBe(400);
    });

    it('a missing grant_type → invalid_request', async () => {
      const request = await grants.tokenRequest(
        fromRequest({ method: 'POST', body: { code: NEVER_ISSUED, client_id: spa.id } }),
      );
      expect(errorOf(request).error).toBe('invalid_request');
    });

    it('a repeated grant_type → invalid_request (RFC 6749 §3.2)', async () => {
      const request = await grants.tokenRequest(
        fromRequest({
          method: 'POST',
          body: { grant_type: ['authorization_code', 'authorization_code'], client_id: spa.id },
        }),
      );
      expect(errorOf(request).error).toBe('invalid_request');
    });

    it('ignores an unrecognized parameter, even repeated or malformed (RFC 6749 §3.2)', async () => {
      const code = await webCode();
      const request = await grants.tokenRequest(
        fromRequest({
          method: 'POST',
          body: {
            grant_type: 'authorization_code',
            code,
            redirect_uri: WEB_A,
            ui_locales: ['de', 'en'],
            extension: { nested: 'value' },
          },
          headers: { authorization: basic(web.id, web.secret as string) },
        }),
      );
      expect(request.getError()).toBeNull();
      await expect(request.exchangeForToken()).resolves.toBeDefined();
    });

    it('grants.tokenRequest routes authorization_code to the code exchange', async () => {
      const code = await webCode();
      const request = await grants.tokenRequest({
        grant_type: 'authorization_code',
        code,
        client_id: web.id,
        client_secret: web.secret as string,
        redirect_uri: WEB_A,
      });
      expect(request).toBeInstanceOf(CodeExchangeRequest);
      const response = await request.respond();
      expect(response.status).toBe(200);
      const { access_token } = JSON.parse(response.body) as { access_token: string };
      expect((await tokens.verifyAccessToken(access_token)).userId).toBe('alice');
    });
  });

  describe('with authorizationCodeTtl: 1', () => {
    let shortFixture: OAuthistFixture;

    beforeEach(async () => {
      shortFixture = await createOAuthistFixture({ authorizationCodeTtl: 1 });
    });

    afterEach(() => shortFixture.close());

    it('an expired code → invalid_grant (RFC 6749 §4.1.2)', async () => {
      const shortGrants = shortFixture.module.get(GrantService);
      const client = await shortFixture.module.get(ClientService).create({
        clientType: 'web',
        redirectUrls: ['https://client.example/cb'],
      });
      const code = await obtainCode(shortGrants, client);
      await sleep(2100);
      const exchange = await shortGrants.codeExchangeRequest({
        code,
        client_id: client.id,
        client_secret: client.secret,
      });
      expect(exchange.isInvalid()).toBe(false);
      await expect(exchange.exchangeForToken()).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('one code, one token (RFC 6749 §4.1.2)', () => {
    it('30 parallel exchanges of one code give exactly one token', async () => {
      const code = await webCode();
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, async () =>
          exchangeOutcome(
            await grants.codeExchangeRequest({
              code,
              client_id: web.id,
              client_secret: web.secret,
              redirect_uri: WEB_A,
            }),
          ),
        ),
      );
      const winners = outcomes.filter((outcome) => outcome.startsWith('token:'));
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'invalid_grant')).toHaveLength(29);
      expect(await countStoredTokens(fixture)).toBe(1);
    });

    it('a replay is refused and revokes the token the code gave', async () => {
      const code = await webCode();
      const parameters = {
        code,
        client_id: web.id,
        client_secret: web.secret,
        redirect_uri: WEB_A,
      };
      const first = await (await grants.codeExchangeRequest(parameters)).exchangeForToken();
      expect((await tokens.verifyAccessToken(first.accessToken)).userId).toBe('alice');

      const replay = await grants.codeExchangeRequest(parameters);
      await expect(replay.exchangeForToken()).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(tokens.verifyAccessToken(first.accessToken)).rejects.toMatchObject({
        reason: 'revoked',
      });
      // Nothing was issued to the replay either.
      expect(await countStoredTokens(fixture)).toBe(1);
    });

    it('a replay leaves the other tokens of the same user and client alone', async () => {
      const exchange = async (code: string) =>
        (
          await grants.codeExchangeRequest({
            code,
            client_id: web.id,
            client_secret: web.secret,
            redirect_uri: WEB_A,
          })
        ).exchangeForToken();
      const kept = await exchange(await webCode());
      const code = await webCode();
      const replayed = await exchange(code);
      await expect(exchange(code)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(tokens.verifyAccessToken(replayed.accessToken)).rejects.toMatchObject({
        reason: 'revoked',
      });
      expect((await tokens.verifyAccessToken(kept.accessToken)).userId).toBe('alice');
    });
  });

  describe('extras travel from the code to the token', () => {
    it('saveCode extras and accept extras are merged, accept winning; numbers become strings', async () => {
      const request = await grants.codeRequest({ client_id: other.id, scope: 'email' });
      const pending = await request.saveCode({ userId: 7, a: 'saved', shared: 'from-save' });
      expect(pending.userId).toBe('7');
      expect(pending.extras).toEqual({ a: 'saved', shared: 'from-save' });
      const { code } = queryOf(await pending.accept({ b: 2.5, shared: 'from-accept', ok: true }));
      const issued = await (
        await grants.codeExchangeRequest({ code, client_id: other.id, client_secret: other.secret })
      ).exchangeForToken();
      const expected = { a: 'saved', b: '2.5', shared: 'from-accept', ok: 'true' };
      expect(issued.token.extras).toEqual(expected);
      const token = await tokens.verifyAccessToken(issued.accessToken, 'email');
      expect(token.extras).toEqual(expected);
      expect(token.userId).toBe('7');
      expect(token.scopes).toEqual(['email']);
      // The grant is the user's: revokeGrant finds the token by the userId, as given or stringified.
      expect(await tokens.revokeGrant(7, other.id)).toBe(1);
    });

    it('accept() naming another user than saveCode() is a TypeError that consumes nothing', async () => {
      const request = await grants.codeRequest({ client_id: other.id });
      const pending = await request.saveCode({ userId: 'alice' });
      await expect(pending.accept({ userId: 'bob' })).rejects.toThrow(
        /one grant names two users \("alice" and "bob"\)/,
      );
      const { code } = queryOf(await pending.accept({ user_id: 'alice' }));
      const issued = await (
        await grants.codeExchangeRequest({ code, client_id: other.id, client_secret: other.secret })
      ).exchangeForToken();
      expect(issued.token.userId).toBe('alice');
      expect(await tokens.revokeGrant('bob', other.id)).toBe(0);
      expect(await tokens.revokeGrant('alice', other.id)).toBe(1);
    });
  });
});
