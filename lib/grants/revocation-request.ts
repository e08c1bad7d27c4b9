import { OAuthError } from '../errors';
import { OAuthResponse } from '../responses/oauth-response';
import { TokenLookupRequest } from './client-request';

/**
 * A token revocation request (RFC 7009): the client authenticates (a public client names
 * itself) and may revoke only tokens issued to it. An unknown or already revoked token is
 * answered 200 too, so that the answer says nothing about other tokens (RFC 7009 §2.2). A
 * token issued to no client (the password grant without one) has no client to ask for it: a
 * request that names no client may revoke such a token, and only such a token, since holding
 * a token is all it takes to use it, and so to end it.
 * @publicApi
 */
export class RevocationRequest extends TokenLookupRequest {
  /** Revokes the token and returns the endpoint's answer. */
  async respond(): Promise<OAuthResponse> {
    const error = this.getError();
    const anonymous = error !== null && this.namesNoClient(error);
    if (error && !anonymous) return error.toResponse();
    const outcome = await this.context.minter.revoke(
      this.parameters.get('token') as string,
      anonymous ? null : this.client?.id,
    );
    // Issued to a client, which must then ask for it: the refusal the request had.
    if (anonymous && outcome === 'not_owner') return (error as OAuthError).toResponse();
    if (outcome === 'not_owner') {
      return new OAuthError(
        'unauthorized_client',
        'the token was not issued to this client (RFC 7009 §2.1)',
      ).toResponse();
    }
    return new OAuthResponse(200, { 'Cache-Control': 'no-store' }, '');
  }

  /**
   * Whether the only fault is that no client was named: with no credentials and no
   * `client_id`, the checks before (token present, nothing repeated) passed, and only that
   * refusal is `invalid_client`.
   */
  private namesNoClient(error: OAuthError): boolean {
    const { parameters } = this;
    return (
      error.error === 'invalid_client' &&
      this.client === null &&
      parameters.authorization === undefined &&
      parameters.get('client_id') === undefined &&
      parameters.get('client_secret') === undefined
    );
  }
}
