import { Inject, Injectable } from '@nestjs/common';
import { grantIdOf, mintGrantBoundSecret } from '../crypto/grant-bound-secret';
import { GrantIds } from '../crypto/grant-ids';
import { s256 } from '../crypto/pkce';
import { sha256 } from '../crypto/sha256';
import { OAuthError } from '../errors';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { SCOPE_TOKEN } from '../protocol/scope';
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
}

/** What the exchange of a code presents. */
export interface CodeRedemption {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string | undefined;
}

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
  ) {}

  /** Issues an access token; the token string exists only in the returned object. */
  async issueAccessToken(grant: AccessTokenGrant): Promise<IssuedAccessToken> {
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
      issuedAt,
      expiresAt: this.expiryOf(issuedAt),
    };
    const grantOfToken = this.grantIds.of(clientId, userId);
    const token = mintGrantBoundSecret(grantOfToken);
    await this.store.issueToken(
      grantOfToken,
      grantIdentity(clientId, userId),
      tokenField(token),
      tokenHead(issuedAt, record.expiresAt) + tokenBody(record.scope, extras),
      record.expiresAt,
    );
    return new IssuedAccessToken(token, AccessToken.fromRecord(record));
  }

  /** Issues an authorization code for `grant`; the code string exists only in the result. */
  async issueCode(grant: CodeGrant): Promise<string> {
    const { userId, extras } = separateUser(grant.extras, grant.userId);
    if (userId === undefined) throw new TypeError('oauthist: a code is always granted by a user');
    const grantId = this.grantIds.of(grant.clientId, userId);
    const code = mintGrantBoundSecret(grantId);
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
        tokenBody: tokenBody(grant.scopes.join(' '), extras),
      },
      this.options.authorizationCodeTtl,
    );
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
    });
    if ('failure' in result)
      throw new OAuthError('invalid_grant', REDEMPTION_FAILURES[result.failure]);
    const record = decodeToken(
      tokenHead(issuedAt, expiresAt) + result.body,
      result.identity,
      issuedAt,
    );
    if (record === null || record === 'revoked')
      throw new Error('oauthist: an authorization code held a malformed token body');
    return new IssuedAccessToken(token, AccessToken.fromRecord(record));
  }

  /**
   * Revokes a token on behalf of a client (RFC 7009 §2.1); with `clientId` undefined, whoever
   * owns it; `null`, only a token issued to no client. Any other token is left alone:
   * `not_owner`.
   */
  revoke(token: string, clientId: string | null | undefined): Promise<RevocationOutcome> {
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
    return this.store.revokeGrant(this.grantIds.of(clientId, user));
  }

  /** When a token issued now expires, seconds since the epoch; `null`: never. */
  private expiryOf(issuedAt: number): number | null {
    const ttl = this.options.accessTokenTtl;
    // Times are whole seconds: counting from the next one, a token never lives less than its TTL.
    return ttl === null ? null : issuedAt + 1 + ttl;
  }
}
