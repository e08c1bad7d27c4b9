import { Inject, Injectable } from '@nestjs/common';
import { grantIdOf, mintGrantBoundSecret } from '../crypto/grant-bound-secret';
import { GrantIds } from '../crypto/grant-ids';
import { sha256 } from '../crypto/sha256';
import { OAUTHIST_OPTIONS } from '../oauthist.constants';
import type { ResolvedOptions } from '../options/resolved-options';
import { s256 } from '../crypto/pkce';
import { OAuthError } from '../errors';
import { CodeExchangeFailure, GrantStore } from '../redis/grant-store';
import {
  decodeToken,
  grantIdentity,
  isStorableClientId,
  secondsNow,
  tokenBody,
  tokenField,
  tokenHead,
  TokenRecord,
} from '../redis/token-record';
import { AccessToken } from './access-token';
import type { ActiveTokenIntrospection, IntrospectionResponse } from './introspection-response';
import { InvalidAccessToken } from './invalid-access-token';
import { IssuedAccessToken } from './issued-access-token';
import { SCOPE_TOKEN } from '../grants/scope';

/** The claims of RFC 7662 §2.2, which no extra may imitate. */
const INTROSPECTION_CLAIMS: ReadonlySet<string> = new Set([
  'active',
  'scope',
  'client_id',
  'username',
  'token_type',
  'exp',
  'iat',
  'nbf',
  'sub',
  'aud',
  'iss',
  'jti',
]);

const REDEMPTION_FAILURES: Readonly<Record<CodeExchangeFailure, string>> = {
  unknown_code: 'the code is unknown, expired or used',
  client_mismatch: 'the code was issued to another client',
  redirect_uri_mismatch: 'redirect_uri differs from the authorization request (RFC 6749 §4.1.3)',
  code_verifier_missing: 'code_verifier is required for this code (RFC 7636 §4.5)',
  code_verifier_mismatch: 'code_verifier does not match the code_challenge (RFC 7636 §4.6)',
  code_verifier_unexpected:
    'code_verifier was sent for a code issued without code_challenge (RFC 9700 §4.8.2)',
  code_reused: 'the code was used before; the token issued for it is revoked (RFC 6749 §4.1.2)',
};

/** @internal What the exchange of a code needs. */
export interface CodeRedemption {
  readonly grantId: string;
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string | undefined;
}

/**
 * What a new access token grants.
 * @publicApi
 */
export interface AccessTokenGrant {
  /** The client it is issued to; `null` for an anonymous password grant. */
  clientId: string | null;
  /** The scopes granted. */
  scopes: readonly string[];
  /** Extra attributes to copy onto the token; the `userIdExtra` one names the user who granted it. */
  extras?: Readonly<Record<string, string>>;
}

/**
 * Issues, verifies, revokes and introspects access tokens. Verifying costs one Redis HMGET.
 * @publicApi
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly store: GrantStore,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOptions,
    /** @internal */ readonly grantIds: GrantIds,
  ) {}

  /**
   * Issues an access token. The grants call this; an application may too, e.g. for a grant of
   * its own. The token string exists only in the returned object.
   */
  async issueAccessToken(grant: AccessTokenGrant): Promise<IssuedAccessToken> {
    const { clientId, scopes } = grant;
    if (!isStorableClientId(clientId))
      throw new TypeError('oauthist: a client id is visible ASCII (RFC 6749 appendix A.1)');
    if (!scopes.every((scope) => SCOPE_TOKEN.test(scope)))
      throw new TypeError('oauthist: a scope is visible ASCII but " and \\ (RFC 6749 §3.3)');
    const extras = grant.extras ?? {};
    const { userIdExtra } = this.options;
    const userId = extras[userIdExtra];
    const issuedAt = secondsNow();
    const record: TokenRecord = {
      clientId,
      scope: scopes.join(' '),
      extras,
      issuedAt,
      expiresAt: this.expiryOf(issuedAt),
    };
    const grantOfToken = this.grantIds.of(clientId, userId);
    const token = mintGrantBoundSecret(grantOfToken);
    await this.store.issueToken(
      grantOfToken,
      grantIdentity(clientId, userId),
      tokenField(token),
      tokenHead(issuedAt, record.expiresAt) + tokenBody(record.scope, extras, userIdExtra),
      record.expiresAt,
    );
    return new IssuedAccessToken(token, AccessToken.fromRecord(record, userIdExtra));
  }

  /**
   * The live token, if it holds any of `scopes` (all of them must be checked one by one when
   * all are needed); with no scope given, any live token passes. Throws `InvalidAccessToken`.
   */
  async verifyAccessToken(token: string, ...scopes: string[]): Promise<AccessToken> {
    const grant = typeof token === 'string' ? grantIdOf(token) : null;
    if (grant === null) throw new InvalidAccessToken('malformed', scopes);
    const [value, identity] = await this.store.getToken(grant, tokenField(token));
    const now = secondsNow();
    const record = decodeToken(value, identity, this.options.userIdExtra, now);
    if (record === null) throw new InvalidAccessToken('unknown', scopes);
    if (record === 'revoked') throw new InvalidAccessToken('revoked', scopes);
    if (record.expiresAt !== null && record.expiresAt <= now)
      throw new InvalidAccessToken('expired', scopes);
    const accessToken = AccessToken.fromRecord(record, this.options.userIdExtra);
    if (!accessToken.hasAnyScope(...scopes))
      throw new InvalidAccessToken('insufficient_scope', scopes);
    return accessToken;
  }

  /**
   * Revokes one token; `true` if it was live. With `clientId`, only a token issued to that
   * client is revoked (RFC 7009 §2.1); another client's token is left alone and `false` returned.
   */
  async revokeAccessToken(token: string, options: { clientId?: string } = {}): Promise<boolean> {
    return (await this.revokeAs(token, options.clientId)) === 'revoked';
  }

  /**
   * @internal Revokes a token on behalf of a client (RFC 7009 §2.1): `not_owner` when the
   * token was issued to another client, which is then left alone.
   */
  revokeAs(
    token: string,
    clientId: string | undefined,
  ): Promise<'revoked' | 'unknown' | 'not_owner'> {
    const grant = typeof token === 'string' ? grantIdOf(token) : null;
    if (grant === null) return Promise.resolve('unknown');
    return this.store.revokeToken(grant, tokenField(token), clientId);
  }

  /**
   * Revokes every token that `userId` granted to `clientId`, and nothing else; returns how
   * many live tokens it revoked.
   */
  revokeGrant(userId: string, clientId: string): Promise<number> {
    return this.store.revokeGrant(this.grantIds.of(clientId, userId));
  }

  /** RFC 7662 introspection: `{ active: false }` for anything that is not a live token. */
  async introspect(token: string): Promise<IntrospectionResponse> {
    let accessToken: AccessToken;
    try {
      accessToken = await this.verifyAccessToken(token);
    } catch (error) {
      if (error instanceof InvalidAccessToken) return { active: false };
      throw error;
    }
    const claims: ActiveTokenIntrospection = {
      active: true,
      scope: accessToken.scope,
      token_type: 'Bearer',
      iat: Math.floor(accessToken.issuedAt.getTime() / 1000),
    };
    // Extras travel as claims of their own, except under a name RFC 7662 §2.2 gives a meaning.
    for (const [name, value] of Object.entries(accessToken.extras)) {
      if (!INTROSPECTION_CLAIMS.has(name)) claims[name] = value;
    }
    if (accessToken.clientId !== null) claims.client_id = accessToken.clientId;
    if (accessToken.expiresAt !== null)
      claims.exp = Math.floor(accessToken.expiresAt.getTime() / 1000);
    if (accessToken.userId !== undefined) claims.sub = accessToken.userId;
    return claims;
  }

  /**
   * @internal Exchanges an authorization code in one atomic step; throws `invalid_grant` with
   * the reason when the code cannot be used.
   */
  async redeemCode(exchange: CodeRedemption): Promise<IssuedAccessToken> {
    const token = mintGrantBoundSecret(exchange.grantId);
    const issuedAt = secondsNow();
    const expiresAt = this.expiryOf(issuedAt);
    const verifier = exchange.codeVerifier;
    const result = await this.store.exchangeCode({
      grantId: exchange.grantId,
      codeHash: sha256(exchange.code),
      clientId: exchange.clientId,
      redirectUri: exchange.redirectUri,
      codeVerifier: verifier,
      codeVerifierS256: verifier === undefined ? undefined : s256(verifier),
      tokenField: tokenField(token),
      issuedAt,
      expiresAt,
    });
    if ('failure' in result)
      throw new OAuthError('invalid_grant', REDEMPTION_FAILURES[result.failure]);
    const record = decodeToken(
      tokenHead(issuedAt, expiresAt) + result.body,
      result.identity,
      this.options.userIdExtra,
      issuedAt,
    );
    if (record === null || record === 'revoked')
      throw new Error('oauthist: an authorization code held a malformed token body');
    return new IssuedAccessToken(token, AccessToken.fromRecord(record, this.options.userIdExtra));
  }

  /** @internal When a token issued now expires, seconds since the epoch; `null`: never. */
  expiryOf(issuedAt: number): number | null {
    const ttl = this.options.accessTokenTtl;
    // Times are whole seconds: counting from the next one, a token never lives less than its TTL.
    return ttl === null ? null : issuedAt + 1 + ttl;
  }
}
