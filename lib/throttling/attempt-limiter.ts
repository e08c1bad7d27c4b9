import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { BruteForceLimits } from '../options/brute-force-limits';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { RedisConnection } from '../redis/redis-connection';
import { storageCall } from '../redis/storage-call';
import { UNKNOWN_SOURCE } from './attempt-source';
import { AttemptSubject, pendingSubject, registrationSubject } from './attempt-subject';
import { LimitedAttempt } from './limited-attempt';
import { tooManyAttempts } from './too-many-attempts';

/** How long a source that signed a user in stays known for that username, without another. */
const KNOWN_SOURCE_SECONDS = 30 * 86400;

/** Members of a subject's set must differ even when two attempts share a millisecond. */
function attemptId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Brute-force protection (RFC 6749 §2.3.1, §4.3.2, §10.10): counts failed attempts per client
 * id and per username, each from one source address, over a sliding window in Redis, shared
 * by every app instance on the same prefix, and refuses with 429 once the window holds
 * `maxFailures` of them, whether or not the next credentials are right, so that the refusal
 * says nothing about any guess. Since identifiers are public (RFC 6819 §5.1.4.2.3), counting
 * per source keeps an attacker from locking the rightful party out from elsewhere; a username
 * also has a ceiling over every source, `maxFailuresPerUsername`, which bounds the guessing of
 * a password from many addresses.
 */
@Injectable()
export class AttemptLimiter {
  /** The limits in force; `null` when the protection is off. */
  readonly limits: BruteForceLimits | null;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
  ) {
    this.limits = options.bruteForce;
  }

  /**
   * Throws the 429 refusal when the subject is over the limit; counts nothing. Sent alongside
   * the lookup it guards, it costs a command but no round trip of its own.
   */
  async assertAllowed(subject: AttemptSubject): Promise<void> {
    await this.count(subject, '');
  }

  /**
   * Counts a failure; throws the 429 refusal instead when the subject already is at the limit
   * (a parallel attempt got there first), so that at most `maxFailures` are ever answered.
   */
  async recordFailure(subject: AttemptSubject): Promise<void> {
    await this.count(subject, attemptId());
  }

  /**
   * Counts one authorization request started by `source`; throws `temporarily_unavailable`
   * (429, Retry-After) instead when the source started `pendingAuthorizationsPerSource` of them
   * within `pendingAuthorizationTtl`.
   */
  async countPending(source: string): Promise<void> {
    const limit = this.options.pendingAuthorizationsPerSource;
    if (limit === null) return;
    await this.countPerSource(pendingSubject(source), this.options.pendingAuthorizationTtl, limit);
  }

  /**
   * Counts one client registration (RFC 7591) made by `source`; throws `temporarily_unavailable`
   * (429, Retry-After) instead when the source made the `dynamicRegistration.rateLimit` of them
   * within its window.
   */
  async countRegistration(source: string): Promise<void> {
    const limit = this.options.dynamicRegistration?.rateLimit ?? null;
    if (limit === null) return;
    await this.countPerSource(registrationSubject(source), limit.windowSeconds, limit.maxPerSource);
  }

  private async countPerSource(
    subject: AttemptSubject,
    windowSeconds: number,
    limit: number,
  ): Promise<void> {
    const reply = await storageCall(
      this.redis.runScript(
        'limitAttempts',
        [this.redis.keys.attemptsOf(subject.kind, subject.source)],
        [windowSeconds * 1000, limit, attemptId()],
      ),
    );
    if (typeof reply !== 'number')
      throw new Error(`unexpected reply of the limitAttempts script: ${JSON.stringify(reply)}`);
    if (reply > 0) throw tooManyAttempts(subject, reply);
  }

  /** Starts counting an attempt whose outcome only the application knows (see `LimitedAttempt`). */
  begin(subject: AttemptSubject): LimitedAttempt {
    const id = attemptId();
    return new LimitedAttempt(this.count(subject, id), (succeeded) =>
      this.withdraw(subject, id, succeeded),
    );
  }

  private async count(subject: AttemptSubject, attempt: string): Promise<void> {
    if (this.limits === null) return;
    const { maxFailures, maxFailuresPerUsername, windowSeconds } = this.limits;
    const { keys } = this.redis;
    const perSource = keys.attempts(subject.kind, subject.id, subject.source);
    // A client secret has 256 bits: no rate makes guessing it feasible, so a client id has no
    // ceiling over every source, which would only let anyone lock the client out.
    const reply = await storageCall(
      subject.kind === 'username'
        ? this.redis.runScript(
            'limitAttempts',
            [perSource, keys.attemptsOf(subject.kind, subject.id), keys.knownSources(subject.id)],
            [windowSeconds * 1000, maxFailures, attempt, maxFailuresPerUsername, subject.source],
          )
        : this.redis.runScript(
            'limitAttempts',
            [perSource],
            [windowSeconds * 1000, maxFailures, attempt],
          ),
    );
    if (typeof reply !== 'number')
      throw new Error(`unexpected reply of the limitAttempts script: ${JSON.stringify(reply)}`);
    if (reply > 0) throw tooManyAttempts(subject, reply);
  }

  private async withdraw(
    subject: AttemptSubject,
    attempt: string,
    succeeded: boolean,
  ): Promise<void> {
    if (this.limits === null) return;
    const { keys } = this.redis;
    const { client } = this.redis;
    const username = subject.kind === 'username';
    const known = keys.knownSources(subject.id);
    // A source whose user signed in with the right password (not the unknown source, which
    // would let everyone without an address past the ceiling).
    const remember = username && succeeded && subject.source !== UNKNOWN_SOURCE;
    await storageCall(
      Promise.all([
        client.zrem(keys.attempts(subject.kind, subject.id, subject.source), attempt),
        username ? client.zrem(keys.attemptsOf(subject.kind, subject.id), attempt) : 0,
        remember ? client.sadd(known, subject.source) : 0,
        remember ? client.expire(known, KNOWN_SOURCE_SECONDS) : 0,
      ]),
    );
  }
}
