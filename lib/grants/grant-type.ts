import { SetMetadata } from '@nestjs/common';
import type { ClientAuthenticationMethod } from '../clients/client-authenticator';
import type { ClientType, OAuthClient } from '../interfaces';
import type { RequestParameters } from '../protocol/request-parameters';
import type { IssuedAccessToken } from '../tokens/issued-access-token';

/** Metadata key that marks a provider as a grant type of the token endpoint. */
export const GRANT_TYPE_METADATA = 'oauthist:grant-type';

/**
 * A token request that passed the checks every grant shares, as a grant type sees it: the
 * parameters (read the grant's own with `parameters.get(name)`), and the client that
 * authenticated, already allowed to use this grant type. It never changes.
 * @publicApi
 */
export interface TokenGrantRequest {
  /** The `grant_type` asked for. */
  readonly grantType: string;
  /** Every parameter of the request; a parameter the grant declares is never repeated. */
  readonly parameters: RequestParameters;
  /** The client; `null` only for a grant type whose `clientAuthentication` is `optional`. */
  readonly client: OAuthClient | null;
  /** How the client authenticated. */
  readonly authenticationMethod: ClientAuthenticationMethod;
  /**
   * The `scope` parameter, each scope once, checked against the scopes the server allows when
   * the request was loaded (a bad one made it `invalid_scope`, RFC 6749 §3.3); empty for a
   * grant type whose `readsScope` is false.
   */
  requestedScopes(): readonly string[];
  /**
   * The `resource` parameters (RFC 8707 §2), each once, each one of the `resources` option (a
   * bad one made the request `invalid_target` when it was loaded); empty when none were sent.
   * A token issued without an audience gets the option's `defaultResources`.
   */
  requestedResources(): readonly string[];
}

/**
 * A grant type of the token endpoint (RFC 6749 §4.5): the built-in `authorization_code`,
 * `password` and `client_credentials`, or one of the application's (e.g. RFC 8693 token
 * exchange). Mark the class with `@OAuthGrantType()` and declare it as a provider; the token
 * endpoint, its parameter checks and the metadata's `grant_types_supported` pick it up.
 *
 * Before the grant is asked, oauthist has refused repeated or malformed parameters, an unknown
 * `grant_type`, bad client credentials, and a client whose type is not in `clientTypes`.
 * `check()` (optional) runs when the request is loaded, so that `isInvalid()` knows its
 * verdict; `issue()` runs on `exchangeForToken()`. Either throws an `OAuthError` to refuse.
 * @publicApi
 */
export interface GrantType<TChecked = unknown> {
  /** The `grant_type` value: a name RFC 6749 defines, or an absolute URI (RFC 6749 §4.5). */
  readonly grantType: string;
  /** The client types that may use it; another client gets `unauthorized_client`. */
  readonly clientTypes: readonly ClientType[];
  /** The parameters it reads besides `grant_type`, `scope` and client authentication. */
  readonly parameters: readonly string[];
  /**
   * Those of `parameters` a request must send: one missing is `invalid_request`, reported
   * before the client is authenticated.
   */
  readonly requiredParameters?: readonly string[];
  /**
   * `required` (the default): a request naming no client is `invalid_client`. `optional`: the
   * grant accepts requests from no client at all, as the manual's password grant did.
   */
  readonly clientAuthentication?: 'required' | 'optional';
  /** `false` for a grant type that takes no `scope` (the code exchange's come from the code). */
  readonly readsScope?: boolean;
  /** Whether the grant is on; off, it is `unsupported_grant_type` and left out of metadata. */
  isEnabled?(): boolean;
  /** The grant's own checks, at load time; what it returns is handed to `issue()`. */
  check?(request: TokenGrantRequest): TChecked | Promise<TChecked>;
  /** Issues the token of a request that passed every check. */
  issue(request: TokenGrantRequest, checked: TChecked): Promise<IssuedAccessToken>;
}

/**
 * Marks a provider as a grant type of the token endpoint (see `GrantType`).
 * @publicApi
 */
export const OAuthGrantType = (): ClassDecorator => SetMetadata(GRANT_TYPE_METADATA, true);
