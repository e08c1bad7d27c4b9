import { OAuthError } from '../errors';
import { OAuthResponse } from '../responses/oauth-response';
import { TokenLookupRequest } from './client-request';

/**
 * A token revocation request (RFC 7009): the client authenticates (a public client names
 * itself) and may revoke only tokens issued to it. An unknown or already revoked token is
 * answered 200 too, so that the answer says nothing about other tokens (RFC 7009 §2.2).
 * @publicApi
 */
export class RevocationRequest extends TokenLookupRequest {
  /** Revokes the token and returns the endpoint's answer. */
  async respond(): Promise<OAuthResponse> {
    const error = this.getError();
    if (error) return error.toResponse();
    const outcome = await this.context.minter.revoke(
      this.parameters.get('token') as string,
      this.client?.id,
    );
    if (outcome === 'not_owner') {
      return new OAuthError(
        'unauthorized_client',
        'the token was not issued to this client (RFC 7009 §2.1)',
      ).toResponse();
    }
    return new OAuthResponse(200, { 'Cache-Control': 'no-store' }, '');
  }
}
