import { Inject, Injectable } from '@nestjs/common';
import { grantIdOf } from '../crypto/grant-bound-secret';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { GrantStore } from '../redis/grant-store';
import { decodeToken, secondsNow, tokenField } from '../redis/token-record';
import { AccessToken } from './access-token';
import type { ActiveTokenIntrospection, IntrospectionResponse } from './introspection-response';
import { extractBearerToken } from './bearer-token-extractor';
import { InvalidAccessToken } from './invalid-access-token';
import { ProtectedResourceRequest } from './protected-resource-request';
import type { HttpRequestLike } from '../http/http-request';
import { OAuthError } from '../errors';
import type { ProtectedResourceTarget } from '../resources/protected-resource-target';
import type { IssuedAccessToken } from './issued-access-token';
import type { OAuthClient } from '../interfaces';
import { AccessTokenGrant, TokenMinter } from './token-minter';
import { userIdValue } from './granting-user';
import type { ListGrantsOptions, UserGrantsPage } from '../user-grants/user-grant';
import { UserGrants } from '../user-grants/user-grants';
import { VerifiedTokenCache } from './verified-token-cache';

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

/** Why `token` may not be used at `target` (RFC 8707), or `null` when it may. */
function audienceRefusal(
  token: AccessToken,
  target: ProtectedResourceTarget | null,
): 'wrong_audience' | 'no_audience' | null {
  if (token.audience === null)
    return target === null || target.acceptUnrestricted === true ? null : 'no_audience';
  return target !== null && token.isFor(target.resource) ? null : 'wrong_audience';
}

/**
 * Issues, verifies, revokes and introspects access tokens. Verifying costs one Redis HMGET.
 * @publicApi
 */
@Injectable()
export class TokenService {
  /** @internal */
  constructor(
    private readonly store: GrantStore,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
    private readonly minter: TokenMinter,
    private readonly userGrants: UserGrants,
    private readonly cache: VerifiedTokenCache,
  ) {}

  /**
   * Issues an access token. The grants call this; an application may too, e.g. for a grant of
   * its own. The token string exists only in the returned object.
   */
  issueAccessToken(grant: AccessTokenGrant): Promise<IssuedAccessToken> {
    return this.minter.issueAccessToken(grant);
  }

  /**
   * The live token, if it holds any of `scopes` (all of them must be checked one by one when
   * all are needed); with no scope given, any live token passes. Its audience is not checked:
   * `verifyAccessTokenFor()` does. Throws `InvalidAccessToken`.
   */
  verifyAccessToken(token: string, ...scopes: string[]): Promise<AccessToken> {
    return this.verify(token, scopes, undefined);
  }

  /**
   * `verifyAccessToken()` at a protected resource (RFC 8707): the token must be issued for
   * `target.resource` (or have no audience, where `target.acceptUnrestricted` allows it); with
   * `target` `null`, it must have no audience. The audience is checked before the scopes: a
   * token for another resource is `invalid_token`, never `insufficient_scope`.
   */
  verifyAccessTokenFor(
    token: string,
    target: ProtectedResourceTarget | null,
    ...scopes: string[]
  ): Promise<AccessToken> {
    return this.verify(token, scopes, target);
  }

  private async verify(
    token: string,
    scopes: string[],
    target: ProtectedResourceTarget | null | undefined,
  ): Promise<AccessToken> {
    const grant = typeof token === 'string' ? grantIdOf(token) : null;
    if (grant === null) throw new InvalidAccessToken('malformed', scopes);
    const field = tokenField(token);
    let accessToken = this.cache.get(grant, field);
    if (accessToken === undefined) {
      accessToken = await this.read(grant, field, scopes);
    } else if (accessToken.expiresAt !== null && accessToken.expiresAt.getTime() <= Date.now()) {
      // Expired while cached: Redis says so too, which keeps the reason as it would be read.
      accessToken = await this.read(grant, field, scopes);
    }
    if (target !== undefined) {
      const refusal = audienceRefusal(accessToken, target);
      if (refusal !== null) throw new InvalidAccessToken(refusal, scopes);
    }
    if (!accessToken.hasAnyScope(...scopes))
      throw new InvalidAccessToken('insufficient_scope', scopes);
    return accessToken;
  }

  /** The live token from Redis (one HMGET), kept in the token cache when it is on. */
  private read(grant: string, field: string, scopes: string[]): Promise<AccessToken> {
    return this.cache.read(grant, field, async () => {
      const [value, identity] = await this.store.getToken(grant, field);
      const now = secondsNow();
      const record = decodeToken(value, identity, now);
      if (record === null) throw new InvalidAccessToken('unknown', scopes);
      if (record === 'revoked') throw new InvalidAccessToken('revoked', scopes);
      if (record.expiresAt !== null && record.expiresAt <= now)
        throw new InvalidAccessToken('expired', scopes);
      return AccessToken.fromRecord(record, this.options.resources);
    });
  }

  /**
   * The bearer token of an Express or Fastify request, read by the rules of the `@Scopes()`
   * guard (RFC 6750 §2), ready to verify: the manual's `ProtectedResourceRequest`.
   */
  protectedResourceRequest(request: HttpRequestLike): ProtectedResourceRequest {
    let token: string | undefined;
    try {
      token = extractBearerToken(request, {
        body: this.options.bearerTokenInBody,
        query: this.options.bearerTokenInQuery,
      });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return new ProtectedResourceRequest(null, error, this.verifyWith);
    }
    return new ProtectedResourceRequest(token ?? null, null, this.verifyWith);
  }

  private readonly verifyWith = (token: string, scopes: string[]): Promise<AccessToken> =>
    this.verifyAccessToken(token, ...scopes);

  /**
   * Revokes one token, an access token or a refresh token; `true` if it was live. With
   * `clientId`, only a token issued to that client is revoked (RFC 7009 §2.1); another
   * client's token is left alone and `false` returned. A refresh token ends its whole family:
   * the access tokens issued from the same authorization go with it. An access token goes alone,
   * and its refresh token still works.
   */
  async revokeToken(token: string, options: { clientId?: string } = {}): Promise<boolean> {
    return (await this.minter.revoke(token, options.clientId)) === 'revoked';
  }

  /** The manual's name of `revokeToken()`, which takes refresh tokens too. */
  revokeAccessToken(token: string, options: { clientId?: string } = {}): Promise<boolean> {
    return this.revokeToken(token, options);
  }

  /**
   * Revokes every token that `userId` granted to `clientId`, and nothing else; returns how
   * many live tokens it revoked. A user id that is a number is taken as its string form, as the
   * extras store it; a missing user or client is a TypeError, never a revocation of nothing.
   */
  async revokeGrant(userId: string | number, clientId: string): Promise<number> {
    return this.minter.revokeGrant(userId, clientId);
  }

  /**
   * The clients `userId` granted access to and that still hold a live token (or refresh
   * token) for them: what an account page lists as connected applications, in pages in client
   * id order. Its cost follows the user's own grants, never the number of users, clients or
   * tokens. A grant revoked, expired, or of a deleted client is no longer listed.
   */
  async listGrants(userId: string | number, options?: ListGrantsOptions): Promise<UserGrantsPage> {
    return this.userGrants.list(userIdValue(userId, 'listGrants(userId): userId'), options);
  }

  /**
   * RFC 7662 introspection: `{ active: false }` for anything that is not a live token. With
   * `caller`, on behalf of that client: `{ active: false }` too unless the
   * `introspectionPolicy` lets it read this token (RFC 7662 §4).
   */
  async introspect(token: string, caller?: OAuthClient): Promise<IntrospectionResponse> {
    if (typeof token === 'string' && this.minter.isWellFormedRefreshToken(token))
      return this.introspectRefreshToken(token, caller);
    let accessToken: AccessToken;
    try {
      accessToken = await this.verifyAccessToken(token);
    } catch (error) {
      if (error instanceof InvalidAccessToken) return { active: false };
      throw error;
    }
    if (caller !== undefined && !this.options.introspectionPolicy(caller, accessToken)) {
      return { active: false };
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
    if (accessToken.audience !== null) claims.aud = [...accessToken.audience];
    return claims;
  }

  // A refresh token is its client's alone: no resource server is ever shown one.
  private async introspectRefreshToken(
    token: string,
    caller: OAuthClient | undefined,
  ): Promise<IntrospectionResponse> {
    const family = await this.minter.liveRefreshToken(token);
    if (family === null || (caller !== undefined && caller.id !== family.clientId))
      return { active: false };
    const claims: ActiveTokenIntrospection = {
      active: true,
      scope: family.scope,
      token_type: 'refresh_token',
    };
    for (const [name, value] of Object.entries(family.extras)) {
      if (!INTROSPECTION_CLAIMS.has(name)) claims[name] = value;
    }
    if (family.clientId !== null) claims.client_id = family.clientId;
    claims.exp = family.endsAt;
    if (family.userId !== undefined) claims.sub = family.userId;
    if (family.audience !== '') claims.aud = this.options.resources?.decode(family.audience) ?? [];
    return claims;
  }
}
