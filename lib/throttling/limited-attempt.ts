/**
 * One attempt at a check that runs outside Redis (the application's password verifier). It is
 * counted before the check, not after a failure: otherwise a burst of parallel guesses would all
 * be checked while the count is still low, and the right one would get through. A success
 * withdraws it, so that only failures stay counted.
 * @publicApi
 */
export class LimitedAttempt {
  private failed = false;

  private succeeded = false;

  /** @internal */
  constructor(
    private readonly counted: Promise<void>,
    private readonly withdraw: (succeeded: boolean) => Promise<void>,
  ) {
    // Awaited by admitted(), or by nobody when the request fails before its check.
    counted.catch(() => undefined);
  }

  /** Resolves once the attempt is counted; throws the 429 refusal over the limit. */
  admitted(): Promise<void> {
    return this.counted;
  }

  /** The credentials were wrong: the attempt stays counted. */
  fail(): void {
    this.failed = true;
  }

  /**
   * The credentials were right: besides being withdrawn, the attempt makes its source known
   * for that username, so that failures from elsewhere filling the username's ceiling do not
   * keep its user out from there.
   */
  succeed(): void {
    this.succeeded = true;
  }

  /** Ends the attempt: anything but a failure is withdrawn. */
  end(): void {
    if (this.failed) return;
    // Sent, not awaited: a successful request need not wait for it, and a withdrawal lost to a
    // Redis failure only counts one attempt too many until the window passes.
    const succeeded = this.succeeded;
    this.counted.then(() => this.withdraw(succeeded)).catch(() => undefined);
  }
}
