import type { OAuthClient } from '../interfaces';
import { OAuthResponse } from '../responses/oauth-response';
import { TokenLookupRequest } from './client-request';

/**
 * A token introspection request (RFC 7662): only an authenticated confidential client may ask
 * (RFC 7662 §2.1, §4), and anything but a live token it may read under the
 * `introspectionPolicy` is `{ "active": false }`.
 * @publicApi
 */
export class IntrospectionRequest extends TokenLookupRequest {
  /** Introspects the token and returns the endpoint's answer. */
  async respond(): Promise<OAuthResponse> {
    const error = this.getError();
    if (error) return error.toResponse();
    // Checked: an authenticated client, so never undefined here.
    const caller = this.client as OAuthClient;
    const introspection = await this.context.tokens.introspect(
      this.parameters.get('token') as string,
      caller,
    );
    return OAuthResponse.json(200, introspection);
  }
}
