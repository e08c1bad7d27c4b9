import type { OAuthErrorCode } from '../errors';
import { AuthorizationRequest } from './authorization-request';
import { Extras, userGrant } from './extras';
import { implicitRedirect } from './implicit-redirect';

/**
 * What `AccessTokenRequest.getRedirect()` takes: an error to refuse with.
 * @publicApi
 */
export interface ImplicitRedirectOptions {
  /** Refuse with this error (RFC 6749 §4.2.2.1), e.g. `access_denied`. */
  error?: OAuthErrorCode;
  /** The `error_description` of the refusal. */
  errorDescription?: string;
}

/**
 * An implicit grant request (RFC 6749 §4.2): the token travels in the redirect's fragment.
 * Off unless the `implicitGrant` option is on (RFC 9700 §2.1.2 advises the code flow instead).
 * `getRedirect()` only ever refuses; `accept()` issues the token.
 * @publicApi
 */
export class AccessTokenRequest extends AuthorizationRequest {
  /** @internal */
  protected readonly responseMode = 'fragment';

  /** Whether nothing is wrong with the request (the manual's `is_valid()`). */
  isValid(): boolean {
    return !this.isInvalid();
  }

  /**
   * The error redirect to the client: an invalid request's own error, or the refusal given in
   * `error` (e.g. the user said no). Issues nothing; throws for a broken request, which must
   * not be redirected, and for a good request without `error` (call `accept()` to issue).
   */
  async getRedirect(options: ImplicitRedirectOptions = {}): Promise<string> {
    const { error } = this;
    if (error) return this.getErrorRedirect(error.error, error.description);
    if ((options as { extras?: unknown }).extras !== undefined || !options.error) {
      throw new TypeError(
        'oauthist: getRedirect() only refuses; accept(extras) issues the token of a good request',
      );
    }
    return this.getErrorRedirect(
      options.error,
      options.errorDescription ?? 'the resource owner denied the request',
    );
  }

  /**
   * The user allows: issues a token and returns the redirect that carries it (access_token,
   * token_type, expires_in, scope, state in the fragment). `extras` must name the user who
   * grants (`{ userId }`, or the manual's `{ user_id }`); the others are copied onto the token.
   * Throws the request's error if it is not valid.
   */
  async accept(extras?: Extras): Promise<string> {
    const valid = this.valid();
    const grant = userGrant(extras, 'accept()');
    // The user's consent, given now: bound to the resources asked for (RFC 8707 §2), and
    // remembered as any consent at the authorization endpoint is.
    const issued = await this.context.minter.issueAccessToken(
      {
        clientId: valid.client.id,
        userId: grant.userId,
        scopes: valid.scopes,
        audience: valid.resources,
        extras: grant.extras,
      },
      { consent: true },
    );
    return implicitRedirect(valid.redirectUri, issued, valid.state, this.context.options.issuer);
  }
}
