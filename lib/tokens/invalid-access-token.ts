import { OAuthError } from '../errors';

/**
 * Why a bearer token was refused. `missing`: the request sent none (RFC 6750 §3.1 then names no
 * error code). `unknown` covers tokens that never existed and tokens long expired or revoked;
 * `expired` and `revoked` are told apart for a while after it happened.
 * @publicApi
 */
export type InvalidAccessTokenReason =
  'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked' | 'insufficient_scope';

const DESCRIPTIONS: Readonly<Record<InvalidAccessTokenReason, string>> = {
  missing: 'a bearer token is required (RFC 6750 §3)',
  malformed: 'the access token is malformed',
  unknown: 'the access token is unknown',
  expired: 'the access token expired',
  revoked: 'the access token was revoked',
  insufficient_scope: 'the access token does not hold any of the required scopes',
};

/**
 * Thrown by `TokenService.verifyAccessToken()`: `invalid_token` (401), or `insufficient_scope`
 * (403) when the token is live but holds none of the scopes asked for (RFC 6750 §3.1).
 * @publicApi
 */
export class InvalidAccessToken extends OAuthError {
  constructor(
    /** Why the token was refused. */
    readonly reason: InvalidAccessTokenReason,
    /** The scopes the check asked for, any of which would have done. */
    readonly requiredScopes: readonly string[] = [],
  ) {
    super(
      reason === 'insufficient_scope' ? 'insufficient_scope' : 'invalid_token',
      DESCRIPTIONS[reason],
    );
    this.name = 'InvalidAccessToken';
  }
}
