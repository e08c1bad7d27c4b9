import {
  ClientService,
  CodeRequest,
  fromRequest,
  GrantService,
  OAuthParameters,
  RegisteredClient,
  RequestParameters,
} from '../../lib';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import { pkcePair, queryOf } from '../support/pkce';
import { sleep } from '../support/grants';

describe('authorization request (RFC 6749 §4.1.1)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  /** One registered URI, which has a query of its own. */
  let single: RegisteredClient;
  /** Several registered URIs. */
  let multi: RegisteredClient;
  /** A public client, which must use PKCE. */
  let spa: RegisteredClient;
  const SINGLE_URI = 'https://single.example/cb?tenant=acme';
  const MULTI_A = 'https://multi.example/a';
  const MULTI_B = 'https://multi.example/b?x=1';
  const SPA_URI = 'https://spa.example/cb?app=1';

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['profile', 'email'] });
    grants = fixture.module.get(GrantService);
    const clients = fixture.module.get(ClientService);
    single = await clients.create({ clientType: 'web', redirectUrls: [SINGLE_URI] });
    multi = await clients.create({ clientType: 'web', redirectUrls: [MULTI_A, MULTI_B] });
    spa = await clients.create({ clientType: 'user-agent', redirectUrls: [SPA_URI] });
  });

  afterEach(() => fixture.close());

  function expectBroken(request: CodeRequest): void {
    expect(request.isBroken()).toBe(true);
    expect(request.isInvalid()).toBe(true);
    expect(request.error).not.toBeNull();
    expect(() => request.getRedirect()).toThrow(/must not be redirected/);
  }

  describe('broken: never redirected (RFC 6749 §4.1.2.1, §3.1.2.4)', () => {
    const cases: [string, () => OAuthParameters | RequestParameters][] = [
      ['client_id is missing', () => ({ redirect_uri: SINGLE_URI, state: 's' })],
      ['client_id is unknown', () => ({ client_id: 'no-such-client', state: 's' })],
      [
        'client_id is repeated (RFC 6749 §3.1)',
        () =>
          fromRequest({ method: 'GET', query: { client_id: ['a', 'b'], response_type: 'code' } }),
      ],
      [
        'client_id is repeated with the same registered id twice (RFC 6749 §3.1)',
        () =>
          fromRequest({
            method: 'GET',
            query: { client_id: [single.id, single.id], response_type: 'code' },
          }),
      ],
      [
        'client_id is not a string',
        () =>
          fromRequest({ method: 'GET', query: { client_id: { a: 'b' }, response_type: 'code' } }),
      ],
      [
        'redirect_uri is missing and the client registered several (RFC 6749 §3.1.2.3)',
        () => ({ client_id: multi.id, state: 's' }),
      ],
      [
        'redirect_uri is not registered',
        () => ({ client_id: multi.id, redirect_uri: 'https://evil.example/cb' }),
      ],
      [
        'redirect_uri extends a registered one (RFC 9700 §4.1.3 exact match)',
        () => ({ client_id: multi.id, redirect_uri: `${MULTI_A}/more` }),
      ],
      [
        'redirect_uri is a prefix of a registered one',
        () => ({ client_id: multi.id, redirect_uri: 'https://multi.example/' }),
      ],
      [
        'redirect_uri drops the query of a registered one',
        () => ({ client_id: multi.id, redirect_uri: 'https://multi.example/b' }),
      ],
      [
        'redirect_uri changes the query of a registered one',
        () => ({ client_id: multi.id, redirect_uri: 'https://multi.example/b?x=2' }),
      ],
      [
        'redirect_uri adds to the query of a registered one',
        () => ({ client_id: multi.id, redirect_uri: 'https://multi.example/b?x=1&y=2' }),
      ],
      [
        'redirect_uri is registered for another client',
        () => ({ client_id: multi.id, redirect_uri: SINGLE_URI }),
      ],
      [
        'redirect_uri is repeated (RFC 6749 §3.1)',
        () =>
          fromRequest({
            method: 'GET',
            query: { client_id: multi.id, redirect_uri: [MULTI_A, MULTI_A], response_type: 'code' },
          }),
      ],
    ];

    it.each(cases)('%s', async (_, parameters) => {
      const request = await grants.codeRequest(parameters());
      expectBroken(request);
      // Broken wins over every later check: nothing may be saved for the client to receive.
      await expect(request.saveCode({ userId: 'alice' })).rejects.toBe(request.error);
    });

    it('stays broken when everything else is wrong too', async () => {
      const request = await grants.codeRequest({
        client_id: multi.id,
        redirect_uri: 'https://evil.example/cb',
        response_type: 'token',
        scope: 'nope',
      });
      expectBroken(request);
    });
  });

  describe('redirect_uri chosen by the server (RFC 6749 §3.1.2.3)', () => {
    it('uses the only registered URI when the request names none', async () => {
      const request = await grants.codeRequest({ client_id: single.id, state: 's' });
      expect(request.isBroken()).toBe(false);
      expect(request.isInvalid()).toBe(false);
      expect(request.redirectUri).toBe(SINGLE_URI);
      const pending = await request.saveCode({ userId: 'alice' });
      expect(pending.redirectUri).toBe(SINGLE_URI);
    });

    it.each([MULTI_A, MULTI_B])('accepts the registered %s exactly', async (uri) => {
      const request = await grants.codeRequest({ client_id: multi.id, redirect_uri: uri });
      expect(request.isInvalid()).toBe(false);
      expect(request.redirectUri).toBe(uri);
    });
  });

  describe('invalid: redirected with error (RFC 6749 §4.1.2.1)', () => {
    function expectInvalidRedirect(
      request: CodeRequest,
      registered: string,
      error: string,
      state: string | undefined,
    ): Record<string, string> {
      expect(request.isBroken()).toBe(false);
      expect(request.isInvalid()).toBe(true);
      expect(request.error?.error).toBe(error);
      const redirect = request.getRedirect();
      const url = new URL(redirect);
      const base = new URL(registered);
      expect(url.origin + url.pathname).toBe(base.origin + base.pathname);
      expect(url.hash).toBe('');
      const query = queryOf(redirect);
      for (const [name, value] of base.searchParams) expect(query[name]).toBe(value);
      expect(query.error).toBe(error);
      expect(query.error_description).toEqual(expect.any(String));
      expect(query.error_description.length).toBeGreaterThan(0);
      expect(query.state).toBe(state);
      expect(query.code).toBeUndefined();
      return query;
    }

    it('missing response_type in an HTTP request', async () => {
      const request = await grants.codeRequest(
        fromRequest({ method: 'GET', query: { client_id: single.id, state: 'xyz' } }),
      );
      const query = expectInvalidRedirect(request, SINGLE_URI, 'invalid_request', 'xyz');
      expect(query.error_description).toMatch(/response_type/);
      // The registered URI's own query is kept, once (RFC 6749 §3.1.2).
      expect(new URL(request.getRedirect()).searchParams.getAll('tenant')).toEqual(['acme']);
    });

    it('missing response_type in a POST form body', async () => {
      const request = await grants.codeRequest(
        fromRequest({ method: 'POST', body: { client_id: single.id, state: 'xyz' } }),
      );
      expectInvalidRedirect(request, SINGLE_URI, 'invalid_request', 'xyz');
    });

    it.each(['token', 'id_token', 'code token'])(
      'unsupported response_type %s',
      async (responseType) => {
        const request = await grants.codeRequest({
          client_id: single.id,
          response_type: responseType,
          state: 'xyz',
        });
        expectInvalidRedirect(request, SINGLE_URI, 'unsupported_response_type', 'xyz');
      },
    );

    it('scope outside the configured list → invalid_scope', async () => {
      const request = await grants.codeRequest({
        client_id: multi.id,
        redirect_uri: MULTI_B,
        scope: 'profile admin',
        state: 'st',
      });
      expectInvalidRedirect(request, MULTI_B, 'invalid_scope', 'st');
    });

    it.each([
      ['two spaces', 'profile  email'],
      ['a leading space', ' profile'],
      ['a double quote (RFC 6749 §3.3)', 'profile "email"'],
      ['a backslash (RFC 6749 §3.3)', 'pro\\file'],
      ['a tab', 'profile\temail'],
    ])('malformed scope with %s → invalid_scope', async (_, scope) => {
      const request = await grants.codeRequest({ client_id: single.id, scope, state: 'st' });
      expectInvalidRedirect(request, SINGLE_URI, 'invalid_scope', 'st');
    });

    it('keeps each asked scope once, in order', async () => {
      const request = await grants.codeRequest({
        client_id: single.id,
        scope: 'email profile email',
      });
      expect(request.isInvalid()).toBe(false);
      expect(request.scopes).toEqual(['email', 'profile']);
    });

    it('a public client without code_challenge (RFC 9700 §2.1.1, RFC 7636 §4.4.1)', async () => {
      const request = await grants.codeRequest({ client_id: spa.id, state: 'st' });
      expectInvalidRedirect(request, SPA_URI, 'invalid_request', 'st');
    });

    it('code_challenge_method plain is refused by default (RFC 7636 §4.2)', async () => {
      const { verifier } = pkcePair();
      const request = await grants.codeRequest({
        client_id: spa.id,
        code_challenge: verifier,
        code_challenge_method: 'plain',
        state: 'st',
      });
      expectInvalidRedirect(request, SPA_URI, 'invalid_request', 'st');
    });

    it('code_challenge without method means plain, refused by default (RFC 7636 §4.3)', async () => {
      const { challenge } = pkcePair();
      const request = await grants.codeRequest({
        client_id: spa.id,
        code_challenge: challenge,
        state: 'st',
      });
      expectInvalidRedirect(request, SPA_URI, 'invalid_request', 'st');
    });

    it.each(['S512', 's256', 'SHA256'])(
      'unknown code_challenge_method %s (RFC 7636 §4.4.1)',
      async (method) => {
        const request = await grants.codeRequest({
          client_id: spa.id,
          code_challenge: pkcePair().challenge,
          code_challenge_method: method,
          state: 'st',
        });
        expectInvalidRedirect(request, SPA_URI, 'invalid_request', 'st');
      },
    );

    it.each([
      ['too short', 'abc'],
      ['42 characters', 'a'.repeat(42)],
      ['44 characters', 'a'.repeat(44)],
      ['standard base64 characters', `${'a'.repeat(41)}+/`],
      ['padding', `${'a'.repeat(42)}=`],
    ])('malformed S256 code_challenge: %s (RFC 7636 §4.2)', async (_, challenge) => {
      const request = await grants.codeRequest({
        client_id: spa.id,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'st',
      });
      expectInvalidRedirect(request, SPA_URI, 'invalid_request', 'st');
    });

    it.each([
      ['a public client', () => spa, SPA_URI],
      ['a confidential client', () => single, SINGLE_URI],
    ])('code_challenge_method without code_challenge, %s', async (_, client, uri) => {
      const request = await grants.codeRequest({
        client_id: client().id,
        code_challenge_method: 'S256',
        state: 'st',
      });
      expectInvalidRedirect(request, uri, 'invalid_request', 'st');
    });

    it.each(['state', 'scope', 'response_type', 'code_challenge'])(
      'repeated %s → invalid_request (RFC 6749 §3.1)',
      async (name) => {
        const query: Record<string, unknown> = {
          client_id: single.id,
          response_type: 'code',
          scope: 'profile',
          state: 'xyz',
          [name]: name === 'state' ? ['one', 'two'] : ['profile', 'email'],
        };
        const request = await grants.codeRequest(fromRequest({ method: 'GET', query }));
        // A repeated state is ambiguous, so none is echoed; any other keeps the real one.
        expectInvalidRedirect(
          request,
          SINGLE_URI,
          'invalid_request',
          name === 'state' ? undefined : 'xyz',
        );
      },
    );

    it('ignores an unrecognized parameter, even repeated or malformed (RFC 6749 §3.1)', async () => {
      const request = await grants.codeRequest(
        fromRequest({
          method: 'GET',
          query: {
            client_id: single.id,
            response_type: 'code',
            state: 'xyz',
            // A parameter this server does not know is ignored, however it is sent.
            ui_locales: ['de', 'en'],
            extension: { nested: 'value' },
          },
        }),
      );
      expect(request.isBroken()).toBe(false);
      expect(request.error).toBeNull();
    });

    it('a good request has no error redirect and is not invalid', async () => {
      const { challenge } = pkcePair();
      const request = await grants.codeRequest({
        client_id: spa.id,
        scope: 'profile',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      expect(request.isBroken()).toBe(false);
      expect(request.isInvalid()).toBe(false);
      expect(request.error).toBeNull();
      expect(request.codeChallenge).toBe(challenge);
      expect(request.codeChallengeMethod).toBe('S256');
      expect(() => request.getRedirect()).toThrow();
    });

    it('an invalid request cannot be saved', async () => {
      const request = await grants.codeRequest({ client_id: single.id, scope: 'admin' });
      await expect(request.saveCode({ userId: 'alice' })).rejects.toMatchObject({
        error: 'invalid_scope',
      });
    });
  });

  describe('with allowPlainPkce: true (RFC 7636 §4.2)', () => {
    let plainFixture: OAuthistFixture;
    let plainGrants: GrantService;
    let plainSpa: RegisteredClient;

    beforeEach(async () => {
      plainFixture = await createOAuthistFixture({ allowPlainPkce: true });
      plainGrants = plainFixture.module.get(GrantService);
      plainSpa = await plainFixture.module.get(ClientService).create({
        clientType: 'native',
        redirectUrls: ['com.example.app:/cb'],
      });
    });

    afterEach(() => plainFixture.close());

    it.each([
      ['explicit', { code_challenge_method: 'plain' }],
      ['implied by a missing method (RFC 7636 §4.3)', {}],
    ])('accepts a plain challenge, %s', async (_, method) => {
      const { verifier } = pkcePair();
      const request = await plainGrants.codeRequest({
        client_id: plainSpa.id,
        code_challenge: verifier,
        ...method,
      });
      expect(request.isInvalid()).toBe(false);
      expect(request.codeChallengeMethod).toBe('plain');
    });

    it('still refuses a plain challenge shorter than a verifier (RFC 7636 §4.1)', async () => {
      const request = await plainGrants.codeRequest({
        client_id: plainSpa.id,
        code_challenge: 'too-short',
        code_challenge_method: 'plain',
      });
      expect(request.isBroken()).toBe(false);
      expect(request.error?.error).toBe('invalid_request');
    });

    it('still refuses an unknown method', async () => {
      const request = await plainGrants.codeRequest({
        client_id: plainSpa.id,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S512',
      });
      expect(request.error?.error).toBe('invalid_request');
    });
  });
});

describe('authorization responses name the issuer when one is configured (RFC 9207 §2)', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let web: RegisteredClient;
  const ISSUER = 'https://auth.example';

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ issuer: ISSUER, scopes: ['profile'] });
    grants = fixture.module.get(GrantService);
    web = await fixture.module.get(ClientService).create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
  });

  afterEach(() => fixture.close());

  it('in the code response', async () => {
    const pending = await (await grants.codeRequest({ client_id: web.id, state: 's' })).saveCode();
    expect(queryOf(await pending.accept({ userId: 'alice' }))).toEqual({
      code: expect.any(String),
      state: 's',
      iss: ISSUER,
    });
  });

  it('in the error response of an invalid request and of a refusal', async () => {
    const invalid = await grants.codeRequest({ client_id: web.id, scope: 'admin' });
    expect(queryOf(invalid.getRedirect())).toMatchObject({ error: 'invalid_scope', iss: ISSUER });
    const pending = await (await grants.codeRequest({ client_id: web.id })).saveCode();
    expect(queryOf(await pending.decline())).toMatchObject({ error: 'access_denied', iss: ISSUER });
  });
});

describe('PendingAuthorization', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let web: RegisteredClient;
  const URI = 'https://client.example/cb?tenant=acme';

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['profile', 'email'] });
    grants = fixture.module.get(GrantService);
    web = await fixture.module.get(ClientService).create({
      clientType: 'web',
      redirectUrls: [URI],
    });
  });

  afterEach(() => fixture.close());

  async function pendingRequest(extras = { userId: 'alice' }) {
    const request = await grants.codeRequest({
      client_id: web.id,
      scope: 'profile email',
      state: 'st8',
    });
    return request.saveCode(extras);
  }

  it('is found again by its id, with what the consent page needs', async () => {
    const pending = await pendingRequest({ userId: 'alice' });
    expect(pending.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const loaded = await grants.getPendingAuthorization(pending.id);
    expect(loaded).not.toBeNull();
    expect(loaded?.client.id).toBe(web.id);
    expect(loaded?.responseType).toBe('code');
    expect(loaded?.redirectUri).toBe(URI);
    expect(loaded?.scopes).toEqual(['profile', 'email']);
    expect(loaded?.state).toBe('st8');
    expect(loaded?.userId).toBe('alice');
    expect(loaded?.extras).toEqual({});
  });

  it('decline() redirects with access_denied and state by default (RFC 6749 §4.1.2.1)', async () => {
    const pending = await pendingRequest();
    const redirect = await pending.decline();
    const query = queryOf(redirect);
    expect(redirect.startsWith('https://client.example/cb?')).toBe(true);
    expect(query).toEqual({
      tenant: 'acme',
      error: 'access_denied',
      error_description: expect.any(String),
      state: 'st8',
    });
    expect(await grants.getPendingAuthorization(pending.id)).toBeNull();
  });

  it('decline() carries a custom error and description', async () => {
    const pending = await pendingRequest();
    const query = queryOf(await pending.decline('temporarily_unavailable', 'try again later'));
    expect(query).toMatchObject({
      error: 'temporarily_unavailable',
      error_description: 'try again later',
      state: 'st8',
    });
  });

  it('accept() twice: the second throws invalid_request', async () => {
    const pending = await pendingRequest();
    const first = queryOf(await pending.accept());
    expect(first.code).toEqual(expect.any(String));
    expect(first.state).toBe('st8');
    expect(first.tenant).toBe('acme');
    await expect(pending.accept()).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('accept() through a copy loaded by id after the original answered also throws', async () => {
    const pending = await pendingRequest();
    const copy = await grants.getPendingAuthorization(pending.id);
    await pending.accept();
    await expect(copy?.accept()).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('decline() after accept() throws invalid_request', async () => {
    const pending = await pendingRequest();
    await pending.accept();
    await expect(pending.decline()).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('accept() after decline() throws invalid_request', async () => {
    const pending = await pendingRequest();
    await pending.decline();
    await expect(pending.accept()).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('answers exactly one of 15 parallel accepts', async () => {
    const pending = await pendingRequest();
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, () => pending.accept({ userId: 'alice' })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected')
        expect(result.reason).toMatchObject({ error: 'invalid_request' });
    }
  });

  it.each([
    ['an unknown id', 'no-such-pending-authorization'],
    ['an empty id', ''],
    ['a token-shaped id', `${'A'.repeat(16)}.${'B'.repeat(43)}`],
  ])('getPendingAuthorization of %s is null', async (_, id) => {
    await pendingRequest();
    expect(await grants.getPendingAuthorization(id)).toBeNull();
  });

  it('is null once its client is deleted', async () => {
    const pending = await pendingRequest();
    await fixture.module.get(ClientService).delete(web.id);
    expect(await grants.getPendingAuthorization(pending.id)).toBeNull();
  });

  describe('with pendingAuthorizationTtl: 1', () => {
    let shortFixture: OAuthistFixture;

    beforeEach(async () => {
      shortFixture = await createOAuthistFixture({ pendingAuthorizationTtl: 1 });
    });

    afterEach(() => shortFixture.close());

    it('expires when the user takes longer than pendingAuthorizationTtl', async () => {
      const shortGrants = shortFixture.module.get(GrantService);
      const client = await shortFixture.module.get(ClientService).create({
        clientType: 'web',
        redirectUrls: [URI],
      });
      const pending = await (await shortGrants.codeRequest({ client_id: client.id })).saveCode();
      const answered = await (await shortGrants.codeRequest({ client_id: client.id })).saveCode();
      expect(await shortGrants.getPendingAuthorization(pending.id)).not.toBeNull();
      await sleep(2100);
      expect(await shortGrants.getPendingAuthorization(pending.id)).toBeNull();
      await expect(pending.accept({ userId: 'alice' })).rejects.toMatchObject({
        error: 'invalid_request',
      });
      await expect(answered.decline()).rejects.toMatchObject({ error: 'invalid_request' });
    });
  });
});
