import { OAuthError } from '../errors';
import type { OAuthResponse } from '../responses/oauth-response';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { ClientRequest } from './client-request';
import { parseScope } from './scope';

/**
 * What the token endpoint's grants share (RFC 6749 §4.1.3, §4.3.2, §4.4.2): load once, ask
 * `isInvalid()` and `getError()`, then `exchangeForToken()`.
 * @publicApi
 */
export abstract class TokenRequest extends ClientRequest {
  /** The scopes asked for, each once. */
  scopes: readonly string[] = [];

  /** The `grant_type` this request serves. */
  protected abstract readonly grantType: string;

  /**
   * Issues the access token. Throws the request's error if it is invalid, and an
   * `invalid_grant` error when what was granted turns out unusable at the last moment (a code
   * used or expired in the meantime).
   */
  async exchangeForToken(): Promise<IssuedAccessToken> {
    const error = this.getError();
    if (error) throw error;
    return this.issue();
  }

  /** The whole token endpoint answer: the token response, or the error response. */
  async respond(): Promise<OAuthResponse> {
    try {
      return (await this.exchangeForToken()).toResponse();
    } catch (error) {
      if (error instanceof OAuthError) return error.toResponse();
      throw error;
    }
  }

  protected async check(): Promise<void> {
    const grantType = this.parameters.get('grant_type');
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is missing');
    if (grantType !== this.grantType) {
      throw new OAuthError(
        'unsupported_grant_type',
        `grant_type ${grantType} is not supported here`,
      );
    }
    await this.checkGrant();
  }

  /** The grant's own checks; throws an `OAuthError`. */
  protected abstract checkGrant(): Promise<void>;

  /** Issues the token of a request that passed its checks. */
  protected abstract issue(): Promise<IssuedAccessToken>;

  /** Reads `scope` against the allowed scopes. */
  protected readScope(): void {
    this.scopes = parseScope(this.parameters.get('scope'), this.context.options.scopes);
  }
}
