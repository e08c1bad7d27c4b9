import { OAuthResponse } from '../responses/oauth-response';
import { TokenLookupRequest } from './client-request';

/**
 * A token introspection request (RFC 7662): only an authenticated confidential client may ask
 * (RFC 7662 §2.1, §4), and anything but a live token is `{ "active": false }`.
 * @publicApi
 */
export class IntrospectionRequest extends TokenLookupRequest {
  /** Introspects the token and returns the endpoint's answer. */
  async respond(): Promise<OAuthResponse> {
    const error = this.getError();
    if (error) return error.toResponse();
    const introspection = await this.context.tokens.introspect(
      this.parameters.get('token') as string,
    );
    return OAuthResponse.json(200, introspection);
  }
}
