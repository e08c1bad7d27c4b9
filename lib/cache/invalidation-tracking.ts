/**
 * What a cache kept true by Redis needs to know of the reports of changes: whether Redis is
 * keeping its promise to report every change, and since when.
 */
export interface InvalidationTracking {
  /** Whether every change to the keys a cache depends on is reported from now on. */
  readonly tracking: boolean;
  /**
   * Bumped whenever the promise was in doubt: a read begun in an earlier epoch may have missed
   * a report, and is not cached.
   */
  readonly epoch: number;
}

/** Where the reports go: a cache dropping what they name. */
export interface InvalidationSink {
  /** Drops what depends on any of `keys` (full Redis key names). */
  invalidate(keys: readonly string[]): void;
  /** Drops everything: a report may have been missed, or the database was flushed. */
  clear(): void;
}
