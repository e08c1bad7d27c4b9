import { Injectable } from '@nestjs/common';
import type { HttpRequestLike } from '../http/http-request';
import { AttemptLimiter } from './attempt-limiter';
import { attemptSource } from './attempt-source';
import { usernameSubject } from './attempt-subject';
import type { LimitedAttempt } from './limited-attempt';

/**
 * Brute-force protection for an application's own sign-in page, on the counters of the
 * password grant: a username's failures there and on the token endpoint are one budget, so
 * that neither way round the other buys more guesses (RFC 6749 §10.10). Counted per username
 * and source address, with the `bruteForce` option's ceiling per username.
 *
 * ```ts
 * const attempt = this.signIns.begin(username, req);
 * try {
 *   await attempt.admitted(); // over the limit: an OAuthError with status 429 and Retry-After
 *   if (!users.check(username, password)) { attempt.fail(); ... } else { attempt.succeed(); ... }
 * } finally {
 *   attempt.end();
 * }
 * ```
 * @publicApi
 */
@Injectable()
export class SignInLimiter {
  /** @internal */
  constructor(private readonly limiter: AttemptLimiter) {}

  /**
   * Counts one sign-in attempt for `username` from the request's address, before the password
   * is checked; `fail()` keeps it counted, anything else is withdrawn at `end()`, and
   * `succeed()` also makes the address known for the username, so that the ceiling over every
   * source, once others fill it, does not keep the user out from there.
   */
  begin(username: string, request: HttpRequestLike): LimitedAttempt {
    const address = request.ip ?? request.socket?.remoteAddress;
    return this.limiter.begin(usernameSubject(username, attemptSource(address)));
  }
}
