import { Inject, Injectable } from '@nestjs/common';
import { CLIENT_TYPES } from '../clients/client-type';
import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { RefreshRedemption, TokenMinter } from '../tokens/token-minter';
import type { GrantType, TokenGrantRequest } from './grant-type';

/**
 * The refresh token grant (RFC 6749 §6), on with the `refreshTokens` option. The client
 * authenticates as for the code exchange (a public client sends `client_id`), the refresh token
 * must be its own, and `scope` may narrow what the user granted, never widen it. Each refresh
 * rotates the token (RFC 9700 §4.14.2), in one atomic step with the new access token.
 */
@Injectable()
export class RefreshTokenGrant implements GrantType<RefreshRedemption> {
  readonly grantType = 'refresh_token';
  readonly clientTypes = CLIENT_TYPES;
  readonly parameters = ['refresh_token'];
  readonly requiredParameters = ['refresh_token'];

  constructor(
    private readonly minter: TokenMinter,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
  ) {}

  isEnabled(): boolean {
    return this.options.refreshTokens !== null;
  }

  check(request: TokenGrantRequest): RefreshRedemption {
    const refreshToken = request.parameters.get('refresh_token') as string;
    if (!this.minter.isWellFormedRefreshToken(refreshToken))
      throw new OAuthError('invalid_grant', 'the refresh token is unknown, expired or revoked');
    return Object.freeze({
      refreshToken,
      // The registry lets no request of this grant type through without a client.
      client: request.client as OAuthClient,
      requestedScopes: request.requestedScopes(),
      audience: request.requestedResources(),
    });
  }

  issue(_request: TokenGrantRequest, redemption: RefreshRedemption): Promise<IssuedAccessToken> {
    return this.minter.refresh(redemption);
  }
}
