import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import {
  ClientService,
  GrantService,
  InvalidAccessToken,
  InvalidAccessTokenReason,
  OAUTHIST_OPTIONS,
  OAuthError,
  OAuthistModule,
  RegisteredClient,
  TokenService,
} from '../../lib';
import { obtainCode } from '../support/grants';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';
import type { ResolvedOAuthistOptions } from '../../lib/options/resolved-options';

const CALLBACK = 'https://client.example/cb';

/** 'live', or why the token is refused. */
async function stateOf(
  tokens: TokenService,
  token: string,
): Promise<'live' | InvalidAccessTokenReason> {
  try {
    await tokens.verifyAccessToken(token);
    return 'live';
  } catch (error) {
    if (error instanceof InvalidAccessToken) return error.reason;
    throw error;
  }
}

function countBy<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

describe('concurrency through the services', () => {
  let fixture: OAuthistFixture;
  let grants: GrantService;
  let tokens: TokenService;
  let web: RegisteredClient;

  beforeEach(async () => {
    fixture = await createOAuthistFixture({ scopes: ['profile'] });
    grants = fixture.module.get(GrantService);
    tokens = fixture.module.get(TokenService);
    web = await fixture.module
      .get(ClientService)
      .create({ clientType: 'web', redirectUrls: [CALLBACK] });
  });

  afterEach(() => fixture.close());

  /** A token, or the OAuth error code that refused the exchange. */
  async function exchange(code: string): Promise<{ token?: string; error?: string }> {
    const request = await grants.codeExchangeRequest({
      code,
      client_id: web.id,
      client_secret: web.secret,
      redirect_uri: CALLBACK,
    });
    try {
      return { token: (await request.exchangeForToken()).accessToken };
    } catch (error) {
      if (error instanceof OAuthError) return { error: error.error };
      throw error;
    }
  }

  it('200 parallel exchanges of 20 codes give exactly 20 tokens, one per code', async () => {
    const CODES = 20;
    const ATTEMPTS = 200;
    const codes = await Promise.all(
      Array.from({ length: CODES }, (_, i) =>
        obtainCode(grants, web, { redirect_uri: CALLBACK, scope: 'profile' }, { userId: `u${i}` }),
      ),
    );
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: ATTEMPTS }, async (_, i) => ({
        code: codes[i % CODES],
        ...(await exchange(codes[i % CODES])),
      })),
    );
    const elapsed = performance.now() - started;

    const winners = outcomes.filter((outcome) => outcome.token !== undefined);
    const errors = countBy(outcomes.map((outcome) => outcome.error).filter(Boolean));
    // Every code was presented again after it was used, which is a replay: RFC 6749 §4.1.2
    // has the token it gave revoked, so each winner's token ends up revoked, not live.
    const states = countBy(
      await Promise.all(winners.map((winner) => stateOf(tokens, winner.token as string))),
    );
    console.log(
      `code exchange race: attempts=${ATTEMPTS} codes=${CODES} tokens=${winners.length} ` +
        `invalid_grant=${errors.get('invalid_grant') ?? 0} ` +
        `winner-states=${JSON.stringify(Object.fromEntries(states))} ${Math.round(elapsed)}ms`,
    );

    expect(winners).toHaveLength(CODES);
    expect(new Set(winners.map((winner) => winner.code)).size).toBe(CODES);
    expect(Object.fromEntries(errors)).toEqual({ invalid_grant: ATTEMPTS - CODES });
    expect(Object.fromEntries(states)).toEqual({ revoked: CODES });
  });

  /**
   * Workers issue tokens of one grant, by `issueAccessToken` and by code exchange, while
   * `revokeGrant` runs once half of them are done. Completions are numbered in the order the
   * process saw them.
   */
  async function raceRevokeGrant(
    issuers: { grants: GrantService; tokens: TokenService }[],
    revoker: TokenService,
  ) {
    const WORKERS = 20;
    const PER_WORKER = 15;
    const user = 'bob';
    // Used at iterations 0, 5 and 10: before, around and after the revocation.
    const codes = await Promise.all(
      Array.from({ length: (WORKERS * PER_WORKER) / 5 }, () =>
        obtainCode(grants, web, { redirect_uri: CALLBACK, scope: 'profile' }, { userId: user }),
      ),
    );
    interface Issued {
      readonly token: string;
      readonly via: 'issue' | 'code';
      readonly started: number;
      readonly resolved: number;
    }
    const issued: Issued[] = [];
    let codesRefused = 0;
    let clock = 0;
    let revokeCalled = Infinity;
    let revokeReturned = Infinity;
    let revokedCount = -1;
    let revoking: Promise<void> | undefined;
    const half = (WORKERS * PER_WORKER) / 2;

    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        const { grants: service, tokens: issuer } = issuers[worker % issuers.length];
        for (let i = 0; i < PER_WORKER; i++) {
          const code = i % 5 === 0 ? codes.pop() : undefined;
          const started = ++clock;
          let token: string | undefined;
          if (code !== undefined) {
            const request = await service.codeExchangeRequest({
              code,
              client_id: web.id,
              client_secret: web.secret,
              redirect_uri: CALLBACK,
            });
            token = await request.exchangeForToken().then(
              (result) => result.accessToken,
              (error: unknown) => {
                if (error instanceof OAuthError && error.error === 'invalid_grant')
                  return undefined;
                throw error;
              },
            );
          } else {
            const result = await issuer.issueAccessToken({
              clientId: web.id,
              scopes: ['profile'],
              extras: { userId: user },
            });
            token = result.accessToken;
          }
          const resolved = ++clock;
          if (token === undefined) codesRefused++;
          else
            issued.push({ token, via: code === undefined ? 'issue' : 'code', started, resolved });
          if (issued.length + codesRefused === half && revoking === undefined) {
            revoking = (async () => {
              revokeCalled = ++clock;
              revokedCount = await revoker.revokeGrant(user, web.id);
              revokeReturned = ++clock;
            })();
          }
        }
      }),
    );
    await revoking;

    const states = await Promise.all(issued.map((entry) => stateOf(tokens, entry.token)));
    const entries = issued.map((entry, i) => ({ ...entry, state: states[i] }));
    return { entries, codesRefused, revokeCalled, revokeReturned, revokedCount };
  }

  it('revokeGrant racing issuance: no token issued before it returned is still live', async () => {
    const race = await raceRevokeGrant([{ grants, tokens }], tokens);
    const { entries, revokeReturned, revokeCalled, revokedCount } = race;
    const beforeReturn = entries.filter((entry) => entry.resolved < revokeReturned);
    const afterReturn = entries.filter((entry) => entry.started > revokeReturned);
    const overlapping = entries.filter(
      (entry) => entry.resolved > revokeCalled && entry.started < revokeReturned,
    );
    console.log(
      `revokeGrant race (one instance): issued=${entries.length} ` +
        `resolved-before-return=${beforeReturn.length} started-after-return=${afterReturn.length} ` +
        `overlapping=${overlapping.length} revoked=${revokedCount} ` +
        `codes-refused=${race.codesRefused} ` +
        `live-among-before=${beforeReturn.filter((entry) => entry.state === 'live').length}`,
    );

    // One connection answers in order, so what completed before revokeGrant returned ran
    // before its script, which revoked it.
    expect(beforeReturn.length).toBeGreaterThan(0);
    expect(afterReturn.length).toBeGreaterThan(0);
    expect(beforeReturn.filter((entry) => entry.state !== 'revoked')).toEqual([]);
    // A grant revoked is revoked from then on, not blocked: later issuance works.
    expect(afterReturn.filter((entry) => entry.via === 'issue' && entry.state !== 'live')).toEqual(
      [],
    );
    // revokeGrant also forgets the grant's pending codes: none yields a live token.
    expect(entries.filter((entry) => entry.via === 'code' && entry.state === 'live')).toEqual([]);
    expect(revokedCount).toBe(entries.filter((entry) => entry.state === 'revoked').length);
  });

  it('revokeGrant racing issuance on another instance: what completed before the call is revoked, what began after the return is live', async () => {
    // A second app instance on the same Redis and prefix, as a scaled-out deployment runs.
    const { redis } = fixture.module.get<ResolvedOAuthistOptions>(OAUTHIST_OPTIONS);
    const other: TestingModule = await Test.createTestingModule({
      imports: [
        OAuthistModule.forRoot({
          redis,
          prefix: fixture.prefix,
          scopes: ['profile'],
        }),
      ],
    }).compile();
    await other.init();
    try {
      const race = await raceRevokeGrant(
        [
          { grants, tokens },
          { grants: other.get(GrantService), tokens: other.get(TokenService) },
        ],
        other.get(TokenService),
      );
      const { entries, revokeReturned, revokeCalled, revokedCount } = race;
      // Across two connections Redis may run an issuance after the revocation yet deliver its
      // reply first: only completion before the call, or start after the return, is ordered.
      const beforeCall = entries.filter((entry) => entry.resolved < revokeCalled);
      const afterReturn = entries.filter((entry) => entry.started > revokeReturned);
      console.log(
        `revokeGrant race (two instances): issued=${entries.length} ` +
          `resolved-before-call=${beforeCall.length} started-after-return=${afterReturn.length} ` +
          `revoked=${revokedCount} codes-refused=${race.codesRefused}`,
      );
      expect(beforeCall.length).toBeGreaterThan(0);
      expect(afterReturn.length).toBeGreaterThan(0);
      expect(beforeCall.filter((entry) => entry.state !== 'revoked')).toEqual([]);
      expect(
        afterReturn.filter((entry) => entry.via === 'issue' && entry.state !== 'live'),
      ).toEqual([]);
      expect(entries.filter((entry) => entry.via === 'code' && entry.state === 'live')).toEqual([]);
      expect(revokedCount).toBe(entries.filter((entry) => entry.state === 'revoked').length);
    } finally {
      await other.close();
    }
  });
});
