import { Injectable } from '@nestjs/common';
import type { ClientType } from '../interfaces';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { AccessTokenGrant, TokenMinter } from '../tokens/token-minter';
import type { GrantType, TokenGrantRequest } from './grant-type';

/** The client credentials grant (RFC 6749 §4.4): a confidential client gets a token for itself. */
@Injectable()
export class ClientCredentialsGrant implements GrantType<AccessTokenGrant> {
  readonly grantType = 'client_credentials';
  // RFC 6749 §4.4: confidential clients only.
  readonly clientTypes: readonly ClientType[] = ['web'];
  readonly parameters: readonly string[] = [];

  constructor(private readonly minter: TokenMinter) {}

  check(request: TokenGrantRequest): AccessTokenGrant {
    // The registry lets no request of this grant type through without a client.
    return Object.freeze({
      clientId: (request.client as { id: string }).id,
      scopes: request.requestedScopes(),
      audience: request.requestedResources(),
    });
  }

  issue(_request: TokenGrantRequest, grant: AccessTokenGrant): Promise<IssuedAccessToken> {
    return this.minter.issueAccessToken(grant);
  }
}
