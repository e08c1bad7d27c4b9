import { OAuthError } from '../errors';
import type { AccessToken } from './access-token';
import { InvalidAccessToken } from './invalid-access-token';

/**
 * The bearer token of a request to a protected resource (RFC 6750 §2), read by the rules the
 * `@Scopes()` guard uses: the `Authorization` header, a form-encoded body when the
 * `bearerTokenInBody` option allows it, the query when `bearerTokenInQuery` does; two methods
 * at once are refused (§2). The manual's `ProtectedResourceRequest`: get one from
 * `TokenService.protectedResourceRequest(req)`.
 * @publicApi
 */
export class ProtectedResourceRequest {
  /** @internal */
  constructor(
    /** The token sent; `null` when none was, or when the request is malformed (see `error`). */
    readonly accessToken: string | null,
    /** Why the request is malformed (`invalid_request`, RFC 6750 §3.1), or `null`. */
    readonly error: OAuthError | null,
    private readonly verify: (token: string, scopes: string[]) => Promise<AccessToken>,
  ) {
    Object.freeze(this);
  }

  /**
   * The live token, if it holds any of `scopes` (with none given, any live token passes).
   * Throws the request's `error`, `InvalidAccessToken` with reason `missing` when no token was
   * sent, or whatever `TokenService.verifyAccessToken()` throws.
   */
  verifyAccessToken(...scopes: string[]): Promise<AccessToken> {
    if (this.error) return Promise.reject(this.error);
    if (this.accessToken === null) return Promise.reject(new InvalidAccessToken('missing', scopes));
    return this.verify(this.accessToken, scopes);
  }
}
