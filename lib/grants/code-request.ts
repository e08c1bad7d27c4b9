import { AuthorizationRequest } from './authorization-request';
import type { Extras } from './extras';
import type { PendingAuthorization } from './pending-authorization';

/**
 * An authorization code request (RFC 6749 §4.1.1) with PKCE (RFC 7636). Ask `isBroken()`,
 * then `isInvalid()` (and redirect to `getRedirect()`), then `saveCode()` and let the user
 * accept or decline.
 * @publicApi
 */
export class CodeRequest extends AuthorizationRequest {
  /** @internal */
  protected readonly responseMode = 'query';

  /** The error redirect of an invalid request (RFC 6749 §4.1.2.1); throws for any other. */
  getRedirect(): string {
    const { error } = this;
    if (error === null)
      throw new Error('oauthist: a good request has no error redirect; saveCode() then accept()');
    return this.getErrorRedirect(error.error, error.description);
  }

  /** The manual's `save_code()`: saves the request, pending the user's answer. */
  saveCode(extras?: Extras): Promise<PendingAuthorization> {
    return this.savePending(extras);
  }
}
