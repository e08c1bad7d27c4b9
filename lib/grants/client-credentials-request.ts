import { OAuthError } from '../errors';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { invalidClient } from './client-authentication';
import { TokenRequest } from './token-request';

/**
 * The client credentials grant (RFC 6749 §4.4): a confidential client gets a token for itself.
 * @publicApi
 */
export class ClientCredentialsRequest extends TokenRequest {
  protected readonly grantType = 'client_credentials';

  protected async checkGrant(): Promise<void> {
    const client = await this.authenticate();
    if (client === null)
      throw invalidClient(
        this.context.options.realm,
        'client authentication is required (RFC 6749 §4.4.2)',
      );
    if (!client.isConfidential) {
      throw new OAuthError(
        'unauthorized_client',
        'the client credentials grant is for confidential clients only (RFC 6749 §4.4)',
      );
    }
    this.readScope();
  }

  protected issue(): Promise<IssuedAccessToken> {
    return this.context.tokens.issueAccessToken({
      clientId: this.client?.id as string,
      scopes: this.scopes,
    });
  }
}
