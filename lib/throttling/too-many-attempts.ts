import { OAuthError } from '../errors';
import type { AttemptSubject } from './attempt-subject';

/**
 * The refusal of an attempt over the limit: 429 with Retry-After (RFC 6585 §4, RFC 9110
 * §10.2.3) rather than a delayed answer, since a delay would hold a connection open on the
 * server for every guess, which is the attacker's resource to spend, not ours. The error code
 * stays the one RFC 6749 §5.2 gives the failed credential, so a client that knows only §5.2
 * still reads it right; there is no Basic challenge, as sending credentials again cannot help
 * before Retry-After.
 */
export function tooManyAttempts(subject: AttemptSubject, waitMs: number): OAuthError {
  const headers = { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) };
  if (subject.kind === 'pending') {
    return new OAuthError(
      'temporarily_unavailable',
      'too many authorization requests from this address; try again later',
      { status: 429, headers },
    );
  }
  if (subject.kind === 'registration') {
    return new OAuthError(
      'temporarily_unavailable',
      'too many client registrations from this address; try again after Retry-After seconds',
      { status: 429, headers },
    );
  }
  return subject.kind === 'client'
    ? new OAuthError(
        'invalid_client',
        'too many failed client authentications; try again after Retry-After seconds',
        { status: 429, headers },
      )
    : new OAuthError(
        'invalid_grant',
        'too many failed sign-ins for this username; try again after Retry-After seconds',
        { status: 429, headers },
      );
}
