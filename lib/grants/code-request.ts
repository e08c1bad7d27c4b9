import { CODE_VERIFIER, S256_CHALLENGE } from '../crypto/pkce';
import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
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
  protected readonly responseType = 'code';
  protected readonly responseMode = 'query';

  /** The error redirect of an invalid request (RFC 6749 §4.1.2.1); throws for a broken one. */
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

  protected override validate(client: OAuthClient): void {
    super.validate(client);
    const challenge = this.parameters.get('code_challenge');
    const method = this.parameters.get('code_challenge_method');
    if (challenge === undefined) {
      if (method !== undefined)
        throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge');
      if (!client.isConfidential) {
        throw new OAuthError(
          'invalid_request',
          'code_challenge is required for public clients (RFC 9700 §2.1.1)',
        );
      }
      return;
    }
    // RFC 7636 §4.3: a challenge without a method is a plain one.
    const effective = method ?? 'plain';
    if (effective === 'S256') {
      if (!S256_CHALLENGE.test(challenge)) {
        throw new OAuthError(
          'invalid_request',
          'an S256 code_challenge is 43 base64url characters (RFC 7636 §4.2)',
        );
      }
    } else if (effective === 'plain' && this.context.options.allowPlainPkce) {
      if (!CODE_VERIFIER.test(challenge)) {
        throw new OAuthError(
          'invalid_request',
          'a plain code_challenge is 43 to 128 unreserved characters (RFC 7636 §4.1)',
        );
      }
    } else {
      throw new OAuthError(
        'invalid_request',
        `code_challenge_method ${effective} is not supported; use S256 (RFC 7636 §4.4.1)`,
      );
    }
    this.codeChallenge = challenge;
    this.codeChallengeMethod = effective;
  }
}
