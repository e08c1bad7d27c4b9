import { grantIdOf } from '../crypto/grant-bound-secret';
import { CODE_VERIFIER } from '../crypto/pkce';
import { OAuthError } from '../errors';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { invalidClient } from './client-authentication';
import { TokenRequest } from './token-request';

/**
 * The exchange of an authorization code for an access token (RFC 6749 §4.1.3), with the PKCE
 * check of RFC 7636 §4.6. The exchange is atomic: a code yields at most one token, and a code
 * presented again revokes the token it gave (RFC 6749 §4.1.2).
 * @publicApi
 */
export class CodeExchangeRequest extends TokenRequest {
  protected readonly grantType = 'authorization_code';
  private grant = '';
  private code = '';

  protected async checkGrant(): Promise<void> {
    const code = this.parameters.get('code');
    if (code === undefined) throw new OAuthError('invalid_request', 'code is missing');
    const verifier = this.parameters.get('code_verifier');
    if (verifier !== undefined && !CODE_VERIFIER.test(verifier)) {
      throw new OAuthError(
        'invalid_request',
        'code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)',
      );
    }
    const client = await this.authenticate();
    if (client === null)
      throw invalidClient(
        this.context.options.realm,
        'the client must authenticate or send client_id (RFC 6749 §4.1.3)',
      );
    const grant = grantIdOf(code);
    if (grant === null)
      throw new OAuthError('invalid_grant', 'the code is unknown, expired or used');
    this.grant = grant;
    this.code = code;
  }

  protected issue(): Promise<IssuedAccessToken> {
    return this.context.tokens.redeemCode({
      grantId: this.grant,
      code: this.code,
      clientId: this.client?.id as string,
      redirectUri: this.parameters.get('redirect_uri'),
      codeVerifier: this.parameters.get('code_verifier'),
    });
  }
}
