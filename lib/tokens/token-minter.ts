import { Inject, Injectable } from '@nestjs/common';
import {
  grantIdOf,
  mintFamilyId,
  mintGrantBoundSecret,
  mintRefreshToken,
  refreshTokenParts,
} from '../crypto/grant-bound-secret';
import { GrantIds } from '../crypto/grant-ids';
import { s256 } from '../crypto/pkce';
import { sha256 } from '../crypto/sha256';
import { OAuthError } from '../errors';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { SCOPE_TOKEN } from '../protocol/scope';
import type { OAuthClient } from '../interfaces';
import { CodeExchangeFailure, FamilyStart, GrantStore, RefreshFailure } from '../redis/grant-store';
import {
  decodeFamily,
  decodeToken,
  FamilyRecord,
  grantIdentity,
  isStorableClientId,
  secondsNow,
  tokenBody,
  tokenField,
  tokenHead,
  TokenRecord,
} from '../redis/token-record';
import { audienceOf } from '../resources/requested-resources';
import { UserGrants } from '../user-grants/user-grants';
import { AccessToken } from './access-token';
import { separateUser, userIdValue } from './granting-user';
import { IssuedAccessToken } from './issued-access-token';

const REDEMPTION_FAILURES: Readonly<Record<CodeExchangeFailure, string>> = {
  unknown_code: 'the code is unknown, expired or used',
  client_mismatch: 'the code was issued to another client',
  redirect_uri_mismatch: 'redirect_uri differs from the authorization request (RFC 6749 §4.1.3)',
  code_verifier_missing: 'code_verifier is required for this code (RFC 7636 §4.5)',
  code_verifier_mismatch: 'code_verifier does not match the code_challenge (RFC 7636 §4.6)',
  code_verifier_unexpected:
    'code_verifier was sent for a code issued without code_challenge (RFC 9700 §4.8.2)',
  code_reused: 'the code was used before; the token issued for it is revoked (RFC 6749 §4.1.2)',
  audience_widened: 'resource names a resource the user did not grant (RFC 8707 §2.2)',
};

const REFRESH_FAILURES: Readonly<Record<RefreshFailure, OAuthError>> = {
  unknown: new OAuthError('invalid_grant', 'the refresh token is unknown, expired or revoked'),
  client_mismatch: new OAuthError(
    'invalid_grant',
    'the refresh token was issued to another client (RFC 6749 §6)',
  ),
  reused: new OAuthError(
    'invalid_grant',
    'the refresh token was used before; every token of its authorization is revoked (RFC 9700 §4.14.2)',
  ),
  scope_widened: new OAuthError(
    'invalid_scope',
    'scope asks for more than the user granted (RFC 6749 §6)',
  ),
  scope_withdrawn: new OAuthError(
    'invalid_scope',
    'the client may no longer have any scope the user granted (RFC 6749 §3.3)',
  ),
  audience_widened: new OAuthError(
    'invalid_target',
    'resource names a resource the user did not grant (RFC 8707 §2.2)',
  ),
};

/**
 * What a new access token grants.
 * @publicApi
 */
export interface AccessTokenGrant {
  /** The client it is issued to; `null` for an anonymous password grant. */
  clientId: string | null;
  /** The scopes granted. */
  scopes: readonly string[];
  /**
   * The user who granted it; absent for a client acting for itself. The manual's `user_id` (or
   * `userId`) among `extras` is taken as this too.
   */
  userId?: string;
  /** Extra attributes to copy onto the token. */
  extras?: Readonly<Record<string, string>>;
  /**
   * Issue a refresh token with it, starting a new refresh-token family, when the
   * `refreshTokens` option is on and there is a client. The code and password grants ask;
   * client credentials never does (RFC 6749 §4.4.3).
   */
  refreshToken?: boolean;
  /**
   * The resources it is for (RFC 8707), each one of the `resources` option; absent or empty:
   * the option's `defaultResources` (none unless set).
   */
  audience?: readonly string[];
}

/** What an authorization code grants, and what its exchange must repeat (RFC 6749 §4.1.3). */
export interface CodeGrant {
  readonly clientId: string;
  readonly redirectUri: string;
  /** Whether the authorization request named `redirect_uri`: the exchange must then repeat it. */
  readonly redirectUriGiven: boolean;
  readonly scopes: readonly string[];
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
  /** The user who granted it. */
  readonly userId: string;
  /** Extras for the token. */
  readonly extras: Readonly<Record<string, string>>;
  /** The resources the user granted access to (RFC 8707); empty: no audience. */
  readonly audience: readonly string[];
}

/** What the exchange of a code presents. */
export interface CodeRedemption {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string | undefined;
  /** The resources the token request names (RFC 8707 §2.2); empty: what the user granted. */
  readonly audience: readonly string[];
}

/** What a refresh (RFC 6749 §6) presents, from a client that authenticated. */
export interface RefreshRedemption {
  readonly refreshToken: string;
  readonly client: OAuthClient;
  /** The scopes asked for, checked against the server's and the client's; empty: as granted. */
  readonly requestedScopes: readonly string[];
  /** The resources asked for (RFC 8707 §2.2); empty: what the user granted. */
  readonly audience: readonly string[];
}

/** A live refresh token read back, for introspection. */
export type RefreshTokenRecord = FamilyRecord;

/** Why a client's revocation of a token did or did not happen (RFC 7009 §2.1). */
export type RevocationOutcome = 'revoked' | 'unknown' | 'not_owner';

/**
 * The one place where codes and access tokens are minted, redeemed and revoked, and the only
 * code besides the store that knows how they are recorded: grants and request objects ask it,
 * and never see a grant id, a token field or a stored record.
 */
@Injectable()
export class TokenMinter {
  constructor(
    private readonly store: GrantStore,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
    private readonly grantIds: GrantIds,
    private readonly userGrants: UserGrants,
  ) {}

  /**
   * Issues an access token; the token string exists only in the returned object. With
   * `consent`, the user has just allowed it at the authorization endpoint (the implicit grant),
   * which their grants remember.
   */
  async issueAccessToken(
    grant: AccessTokenGrant,
    { consent = false }: { consent?: boolean } = {},
  ): Promise<IssuedAccessToken> {
    const { clientId, scopes } = grant;
    if (!isStorableClientId(clientId))
      throw new TypeError('oauthist: a client id is visible ASCII (RFC 6749 appendix A.1)');
    if (!scopes.every((scope) => SCOPE_TOKEN.test(scope)))
      throw new TypeError('oauthist: a scope is visible ASCII but " and \\ (RFC 6749 §3.3)');
    const { userId, extras } = separateUser(grant.extras, grant.userId);
    const issuedAt = secondsNow();
    const record: TokenRecord = {
      clientId,
      userId,
      scope: scopes.join(' '),
      extras,
      audience: this.encodeAudience(audienceOf(grant.audience ?? [], this.options.resources)),
      issuedAt,
      expiresAt: this.expiryOf(issuedAt),
    };
    const grantOfToken = this.grantIds.of(clientId, userId);
    const token = mintGrantBoundSecret(grantOfToken);
    const policy = this.options.refreshTokens;
    const refresh =
      grant.refreshToken === true && policy !== null && clientId !== null
        ? this.newFamily(grantOfToken, policy.ttl)
        : undefined;
    await this.store.issueToken(
      grantOfToken,
      grantIdentity(clientId, userId),
      tokenField(token),
      tokenHead(issuedAt, record.expiresAt, refresh?.family.familyId) +
        tokenBody(record.scope, extras, record.audience),
      record.expiresAt,
      refresh?.family,
    );
    // The grant first, then the user's index (another slot), never side by side: a listing or
    // a revokeGrant() in between then finds the token, and an entry whose grant write failed
    // holds no live token and is dropped when next read. Written the other way round, a listing
    // could forget the entry just before the token appeared, leaving a grant no account page
    // shows.
    if (userId !== undefined && clientId !== null) {
      await this.userGrants.record({
        userId,
        clientId,
        scope: record.scope,
        liveUntil: this.liveUntil(record.expiresAt, refresh !== undefined),
        issued: true,
        consentAudience: consent ? record.audience : undefined,
      });
    }
    return new IssuedAccessToken(token, this.accessTokenOf(record), refresh?.token);
  }

  /** Issues an authorization code for `grant`; the code string exists only in the result. */
  async issueCode(grant: CodeGrant): Promise<string> {
    const { userId, extras } = separateUser(grant.extras, grant.userId);
    if (userId === undefined) throw new TypeError('oauthist: a code is always granted by a user');
    const grantId = this.grantIds.of(grant.clientId, userId);
    const code = mintGrantBoundSecret(grantId);
    const scope = grant.scopes.join(' ');
    const audience = this.encodeAudience(grant.audience);
    const now = secondsNow();
    const latestExchange = now + this.options.authorizationCodeTtl;
    await this.store.saveCode(
      grantId,
      sha256(code),
      {
        clientId: grant.clientId,
        redirectUri: grant.redirectUri,
        redirectUriGiven: grant.redirectUriGiven,
        codeChallenge: grant.codeChallenge,
        codeChallengeMethod: grant.codeChallengeMethod,
        grantIdentity: grantIdentity(grant.clientId, userId),
        tokenBody: tokenBody(scope, extras, audience),
      },
      this.options.authorizationCodeTtl,
    );
    // A code is issued only on the user's consent, which their grants remember (after the code,
    // for the reason issueAccessToken() gives); until the code is exchanged the grant holds no
    // token, so it is neither listed nor taken as consent yet. Recorded for as long as what the
    // code may become can live, so that neither its exchange nor a refresh writes here again.
    await this.userGrants.record({
      userId,
      clientId: grant.clientId,
      scope,
      liveUntil: laterOf(
        this.liveUntil(this.expiryOf(latestExchange), false),
        this.liveUntil(this.expiryOf(now), this.options.refreshTokens !== null),
      ),
      issued: false,
      consentAudience: audience,
    });
    return code;
  }

  /** Whether `code` has the shape of a code this server mints (it may still be unknown). */
  isWellFormedCode(code: string): boolean {
    return grantIdOf(code) !== null;
  }

  /**
   * Exchanges an authorization code in one atomic step; throws `invalid_grant` with the reason
   * when the code cannot be used.
   */
  async redeemCode(exchange: CodeRedemption): Promise<IssuedAccessToken> {
    const grantId = grantIdOf(exchange.code);
    if (grantId === null) throw new OAuthError('invalid_grant', REDEMPTION_FAILURES.unknown_code);
    const token = mintGrantBoundSecret(grantId);
    const issuedAt = secondsNow();
    const expiresAt = this.expiryOf(issuedAt);
    const verifier = exchange.codeVerifier;
    const policy = this.options.refreshTokens;
    const refresh = policy === null ? undefined : this.newFamily(grantId, policy.ttl);
    const result = await this.store.exchangeCode({
      grantId,
      codeHash: sha256(exchange.code),
      clientId: exchange.clientId,
      redirectUri: exchange.redirectUri,
      codeVerifier: verifier,
      codeVerifierS256: verifier === undefined ? undefined : s256(verifier),
      tokenField: tokenField(token),
      issuedAt,
      expiresAt,
      family: refresh?.family,
      audience: this.encodeAudience(exchange.audience),
    });
    if ('failure' in result)
      throw new OAuthError(
        result.failure === 'audience_widened' ? 'invalid_target' : 'invalid_grant',
        REDEMPTION_FAILURES[result.failure],
      );
    const record = decodeToken(
      tokenHead(issuedAt, expiresAt) + result.body,
      result.identity,
      issuedAt,
    );
    if (record === null || record === 'revoked')
      throw new Error('oauthist: an authorization code held a malformed token body');
    return new IssuedAccessToken(
      token,
      this.accessTokenOf(record),
      result.familyStarted ? refresh?.token : undefined,
    );
  }

  /** Whether `token` has the shape of a refresh token this server mints (it may be unknown). */
  isWellFormedRefreshToken(token: string): boolean {
    return refreshTokenParts(token) !== null;
  }

  /**
   * The refresh grant (RFC 6749 §6) in one atomic step: a new access token, and a new refresh
   * token unless the client's does not rotate. Throws `invalid_grant` (or `invalid_scope`) with
   * the reason when the token cannot be used; a rotated-out token has by then ended its family.
   */
  async refresh(redemption: RefreshRedemption): Promise<IssuedAccessToken> {
    const policy = this.options.refreshTokens;
    const parts = refreshTokenParts(redemption.refreshToken);
    if (policy === null || parts === null) throw REFRESH_FAILURES.unknown;
    const { client } = redemption;
    const token = mintGrantBoundSecret(parts.grantId);
    const rotates = !client.isConfidential || policy.rotateConfidentialClients;
    const next = rotates ? mintRefreshToken(parts.grantId, parts.familyId) : null;
    const issuedAt = secondsNow();
    const expiresAt = this.expiryOf(issuedAt);
    const result = await this.store.refresh({
      grantId: parts.grantId,
      familyId: parts.familyId,
      presentedField: tokenField(redemption.refreshToken),
      clientId: client.id,
      requestedScopes: redemption.requestedScopes,
      allowedScopes: this.scopesAllowedTo(client),
      accessField: tokenField(token),
      issuedAt,
      expiresAt,
      refreshField: next === null ? null : tokenField(next),
      reuseGraceSeconds: policy.reuseGraceSeconds,
      idleTtl: policy.idleTtl,
      audience: this.encodeAudience(redemption.audience),
    });
    if ('failure' in result) throw REFRESH_FAILURES[result.failure];
    const record = decodeToken(
      tokenHead(issuedAt, expiresAt) + result.body,
      result.identity,
      issuedAt,
    );
    if (record === null || record === 'revoked')
      throw new Error('oauthist: a refresh-token family held a malformed token body');
    return new IssuedAccessToken(
      token,
      this.accessTokenOf(record),
      result.rotated && next !== null ? next : undefined,
    );
  }

  /**
   * A refresh token that would work now: the family's current one, or the one it replaced
   * within the retry window. `null` for any other string.
   */
  async liveRefreshToken(refreshToken: string): Promise<RefreshTokenRecord | null> {
    const parts = refreshTokenParts(refreshToken);
    const policy = this.options.refreshTokens;
    if (parts === null) return null;
    const [value, identity] = await this.store.getFamily(parts.grantId, parts.familyId);
    const family = decodeFamily(value, identity);
    const now = secondsNow();
    if (family === null || family.endsAt <= now) return null;
    const field = tokenField(refreshToken);
    const retry =
      family.previous === field &&
      family.rotatedAt !== null &&
      family.rotatedAt + (policy?.reuseGraceSeconds ?? 0) > now;
    return family.current === field || retry ? family : null;
  }

  /**
   * Revokes a token on behalf of a client (RFC 7009 §2.1); with `clientId` undefined, whoever
   * owns it; `null`, only a token issued to no client. Any other token is left alone:
   * `not_owner`.
   */
  revoke(token: string, clientId: string | null | undefined): Promise<RevocationOutcome> {
    const refresh = typeof token === 'string' ? refreshTokenParts(token) : null;
    if (refresh !== null) {
      return this.store.revokeRefreshToken(
        refresh.grantId,
        refresh.familyId,
        tokenField(token),
        clientId,
      );
    }
    const grant = typeof token === 'string' ? grantIdOf(token) : null;
    if (grant === null) return Promise.resolve('unknown');
    return this.store.revokeToken(grant, tokenField(token), clientId);
  }

  /**
   * Revokes every token that `userId` granted to `clientId`; how many were live. A missing user
   * or client is a TypeError: revoking nothing in silence would leave the user's access alive.
   */
  revokeGrant(userId: string | number, clientId: string): Promise<number> {
    const user = userIdValue(userId, 'revokeGrant(userId, clientId): userId');
    if (typeof clientId !== 'string' || !isStorableClientId(clientId) || clientId === '')
      throw new TypeError('oauthist: revokeGrant(userId, clientId): clientId must be a client id');
    return this.forgetThenRevoke(user, clientId);
  }

  /**
   * The user's index first: a token issued in between then records the grant anew and is
   * revoked with it, and a grant never stays revoked yet listed.
   */
  private async forgetThenRevoke(userId: string, clientId: string): Promise<number> {
    await this.userGrants.forget(userId, clientId);
    return this.store.revokeGrant(this.grantIds.of(clientId, userId));
  }

  /**
   * Until when a grant may live by an access token issued now and expiring at `expiresAt`
   * (`null`: never) and, with `family`, the refresh-token family started with it, whose last
   * access token may be issued as the family ends and lives as long; 0: for ever.
   */
  private liveUntil(expiresAt: number | null, family: boolean): number {
    if (expiresAt === null) return 0;
    return expiresAt + (family ? (this.options.refreshTokens?.ttl ?? 0) : 0);
  }

  /** A new family's id and first refresh token, and what the store needs to start it. */
  private newFamily(grantId: string, ttl: number): { token: string; family: FamilyStart } {
    const familyId = mintFamilyId();
    const token = mintRefreshToken(grantId, familyId);
    const idleTtl = this.options.refreshTokens?.idleTtl ?? null;
    return { token, family: { familyId, refreshField: tokenField(token), ttl, idleTtl } };
  }

  /** The scopes `client` may be issued now: its own list within the server's; `null`: any. */
  /**
   * The stored form of an audience. The requests have checked each resource against the
   * `resources` option already; an application calling `issueAccessToken()` with another is a
   * programming error.
   */
  private encodeAudience(audience: readonly string[]): string {
    if (audience.length === 0) return '';
    const resources = this.options.resources;
    if (resources === null || !audience.every((resource) => resources.has(resource)))
      throw new TypeError('oauthist: an audience names resources of the resources option');
    return resources.encode(audience);
  }

  private accessTokenOf(record: TokenRecord): AccessToken {
    return AccessToken.fromRecord(record, this.options.resources);
  }

  private scopesAllowedTo(client: OAuthClient): readonly string[] | null {
    const server = this.options.scopes;
    if (client.scopes === null) return server === null ? null : [...server];
    return server === null ? client.scopes : client.scopes.filter((scope) => server.has(scope));
  }

  /** When a token issued now expires, seconds since the epoch; `null`: never. */
  private expiryOf(issuedAt: number): number | null {
    const ttl = this.options.accessTokenTtl;
    // Times are whole seconds: counting from the next one, a token never lives less than its TTL.
    return ttl === null ? null : issuedAt + 1 + ttl;
  }
}

/** The later of two times of `liveUntil()`, where 0 stands for never ending. */
function laterOf(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : Math.max(a, b);
}
