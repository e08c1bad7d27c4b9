import { Injectable } from '@nestjs/common';
import { CLIENT_TYPES } from '../clients/client-type';
import { CODE_VERIFIER } from '../crypto/pkce';
import { OAuthError } from '../errors';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { CodeRedemption, TokenMinter } from '../tokens/token-minter';
import type { GrantType, TokenGrantRequest } from './grant-type';

/**
 * The exchange of an authorization code for an access token (RFC 6749 §4.1.3), with the PKCE
 * check of RFC 7636 §4.6. The exchange is atomic: a code yields at most one token, and a code
 * presented again revokes the token it gave (RFC 6749 §4.1.2).
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantType<CodeRedemption> {
  readonly grantType = 'authorization_code';
  readonly clientTypes = CLIENT_TYPES;
  readonly parameters = ['code', 'redirect_uri', 'code_verifier'];
  readonly requiredParameters = ['code'];
  // The scope of the token is the one the user granted with the code (RFC 6749 §4.1.3).
  readonly readsScope = false;

  constructor(private readonly minter: TokenMinter) {}

  check(request: TokenGrantRequest): CodeRedemption {
    const { parameters } = request;
    const code = parameters.get('code') as string;
    const codeVerifier = parameters.get('code_verifier');
    if (codeVerifier !== undefined && !CODE_VERIFIER.test(codeVerifier)) {
      throw new OAuthError(
        'invalid_request',
        'code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)',
      );
    }
    if (!this.minter.isWellFormedCode(code))
      throw new OAuthError('invalid_grant', 'the code is unknown, expired or used');
    return {
      code,
      // The registry lets no request of this grant type through without a client.
      clientId: (request.client as { id: string }).id,
      redirectUri: parameters.get('redirect_uri'),
      codeVerifier,
      // RFC 8707 §2.2: the token may be for part of what the user granted.
      audience: request.requestedResources(),
    };
  }

  issue(_request: TokenGrantRequest, redemption: CodeRedemption): Promise<IssuedAccessToken> {
    return this.minter.redeemCode(redemption);
  }
}
