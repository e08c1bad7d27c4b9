import { OAuthError } from '../errors';

/**
 * Why a bearer token was refused. `missing`: the request sent none (RFC 6750 §3.1 then names no
 * error code). `unknown` covers tokens that never existed and tokens long expired or revoked;
 * `expired` and `revoked` are told apart for a while after it happened. `wrong_audience`: the
 * token is for other resources; `no_audience`: it is for none, and the route takes only tokens
 * issued for it (RFC 8707).
 * @publicApi
 */
export type InvalidAccessTokenReason =
  | 'missing'
  | 'malformed'
  | 'unknown'
  | 'expired'
  | 'revoked'
  | 'wrong_audience'
  | 'no_audience'
  | 'insufficient_scope';

const DESCRIPTIONS: Readonly<Record<InvalidAccessTokenReason, string>> = {
  missing: 'a bearer token is required (RFC 6750 §3)',
  malformed: 'the access token is malformed',
  unknown: 'the access token is unknown',
  expired: 'the access token expired',
  revoked: 'the access token was revoked',
  wrong_audience: 'the access token was issued for another resource (RFC 8707 §2)',
  no_audience: 'the access token names no resource, and this one takes only its own (RFC 8707 §2)',
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
