import { OAuthError, OAuthErrorCode } from '../errors';
import type { OAuthClient } from '../interfaces';
import { AuthorizationRequest } from './authorization-request';
import { Extras, storedExtras } from './extras';
import { implicitRedirect } from './implicit-redirect';

/**
 * What `AccessTokenRequest.getRedirect()` takes: extras to issue a token, or an error to refuse.
 * @publicApi
 */
export interface ImplicitRedirectOptions {
  /** Extra attributes for the token (e.g. `{ userId }`). */
  extras?: Extras;
  /** Refuse instead, with this error (RFC 6749 §4.2.2.1), e.g. `access_denied`. */
  error?: OAuthErrorCode;
  /** The `error_description` of the refusal. */
  errorDescription?: string;
}

/**
 * An implicit grant request (RFC 6749 §4.2): the token travels in the redirect's fragment.
 * Off unless the `implicitGrant` option is on (RFC 9700 §2.1.2 advises the code flow instead).
 * @publicApi
 */
export class AccessTokenRequest extends AuthorizationRequest {
  protected readonly responseType = 'token';
  protected readonly responseMode = 'fragment';

  /** Whether nothing is wrong with the request (the manual's `is_valid()`). */
  isValid(): boolean {
    return !this.isInvalid();
  }

  /**
   * The redirect to the client: an invalid request's error, the refusal given in `error`, or
   * a new token issued with `extras` (access_token, token_type, expires_in, scope, state in the
   * fragment). Throws for a broken request, which must not be redirected.
   */
  async getRedirect(options: ImplicitRedirectOptions = {}): Promise<string> {
    const { error } = this;
    if (error) return this.getErrorRedirect(error.error, error.description);
    if (options.error) {
      return this.getErrorRedirect(
        options.error,
        options.errorDescription ?? 'the resource owner denied the request',
      );
    }
    const issued = await this.context.tokens.issueAccessToken({
      clientId: (this.client as OAuthClient).id,
      scopes: this.scopes,
      extras: storedExtras(options.extras),
    });
    return implicitRedirect(
      this.redirectUri as string,
      issued,
      this.state,
      this.context.options.issuer,
    );
  }

  protected override validate(client: OAuthClient): void {
    if (!this.context.options.implicitGrant && this.parameters.get('response_type') === 'token') {
      throw new OAuthError(
        'unsupported_response_type',
        'the implicit grant is turned off (RFC 9700 §2.1.2)',
      );
    }
    super.validate(client);
  }
}
