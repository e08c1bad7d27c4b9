import { LRUCache } from 'lru-cache';
import type { CachePolicy } from '../options/cache-policy';
import type { InvalidationSink, InvalidationTracking } from './invalidation-tracking';

/** A read from Redis under way, whose result may be cached when it completes unspoilt. */
export interface CacheFill {
  readonly epoch: number;
  readonly dependencies: readonly string[];
  /** Set when a report names one of its keys while the read is under way. */
  spoiled: boolean;
}

interface Entry<V> {
  readonly value: V;
  readonly dependencies: readonly string[];
}

/**
 * A bounded LRU cache of values read from Redis, each depending on some Redis keys and dropped
 * when Redis reports a change to any of them. Nothing is served, and nothing stored, while
 * `tracking` says the reports may be missing.
 *
 * A report and the reply of the read it concerns come on different connections, in either
 * order: a report that arrives while the read is under way spoils the read (`beginFill()` /
 * `endFill()`), so that the old value is never stored after the report that replaced it.
 */
export class TrackedCache<V extends object> implements InvalidationSink {
  private readonly entries: LRUCache<string, Entry<V>>;
  /** Redis key -> the entry, or entries, depending on it. */
  private readonly dependents = new Map<string, string | Set<string>>();
  /** Redis key -> the fills under way that read it. */
  private readonly fills = new Map<string, Set<CacheFill>>();
  private readonly maxAgeMs: number;

  constructor(
    policy: CachePolicy,
    private readonly tracking: InvalidationTracking,
    /** What entries' ages are measured by, in ms. */
    clock: { now(): number } = performance,
  ) {
    this.maxAgeMs = policy.maxAgeSeconds * 1000;
    this.entries = new LRUCache<string, Entry<V>>({
      max: policy.maxEntries,
      ttl: this.maxAgeMs,
      perf: clock,
      // The clock read at every get: lru-cache's default reuses one reading for a millisecond,
      // with a timer to forget it, which costs more than reading the clock.
      ttlResolution: 0,
      // lru-cache checks an entry's age on every get; a timer per entry would cost more.
      ttlAutopurge: false,
      dispose: (entry, key) => {
        for (const dependency of entry.dependencies) this.unlink(dependency, key);
      },
    });
  }

  /** The entries held now, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  /** The cached value, if Redis is keeping its promise. */
  get(key: string): V | undefined {
    return this.tracking.tracking ? this.entries.get(key)?.value : undefined;
  }

  /**
   * To call before the read whose result `endFill()` may store; `null` when nothing may be
   * stored now. The fill depends on the Redis keys the read reads.
   */
  beginFill(dependencies: readonly string[]): CacheFill | null {
    if (!this.tracking.tracking) return null;
    const fill: CacheFill = { epoch: this.tracking.epoch, dependencies, spoiled: false };
    for (const dependency of dependencies) {
      const fills = this.fills.get(dependency);
      if (fills === undefined) this.fills.set(dependency, new Set([fill]));
      else fills.add(fill);
    }
    return fill;
  }

  /**
   * Ends a fill: stores `value` under `key` for `ttlMs` at most (within the policy's maximum
   * age) if no report spoilt it and tracking held throughout; `value` `undefined` stores
   * nothing (the read failed, or its result is not to be kept).
   */
  endFill(fill: CacheFill, key: string, value: V | undefined, ttlMs = this.maxAgeMs): void {
    for (const dependency of fill.dependencies) {
      const fills = this.fills.get(dependency);
      if (fills === undefined) continue;
      fills.delete(fill);
      if (fills.size === 0) this.fills.delete(dependency);
    }
    if (
      value === undefined ||
      fill.spoiled ||
      fill.epoch !== this.tracking.epoch ||
      !this.tracking.tracking ||
      ttlMs <= 0
    )
      return;
    this.entries.set(
      key,
      { value, dependencies: fill.dependencies },
      {
        ttl: Math.min(ttlMs, this.maxAgeMs),
      },
    );
    for (const dependency of fill.dependencies) this.link(dependency, key);
  }

  /**
   * Runs `load`, a read of the Redis keys `dependencies`, and keeps what `keep` makes of its
   * result under `key` (`undefined`: nothing), unless a report of those keys overtook the read
   * or tracking was in doubt meanwhile. A read that throws keeps nothing. Call it on a miss of
   * `get()`, which is kept apart so that a hit awaits nothing.
   */
  async read<R>(
    key: string,
    dependencies: readonly string[],
    load: () => Promise<R>,
    keep: (result: R) => { value: V; ttlMs?: number } | undefined,
  ): Promise<R> {
    const fill = this.beginFill(dependencies);
    if (fill === null) return load();
    let kept: { value: V; ttlMs?: number } | undefined;
    try {
      const result = await load();
      kept = keep(result);
      return result;
    } finally {
      this.endFill(fill, key, kept?.value, kept?.ttlMs);
    }
  }

  /** Drops the entry under `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  invalidate(keys: readonly string[]): void {
    for (const key of keys) {
      const fills = this.fills.get(key);
      if (fills !== undefined) for (const fill of fills) fill.spoiled = true;
      const dependents = this.dependents.get(key);
      if (dependents === undefined) continue;
      if (typeof dependents === 'string') this.entries.delete(dependents);
      else for (const dependent of [...dependents]) this.entries.delete(dependent);
    }
  }

  clear(): void {
    for (const fills of this.fills.values()) for (const fill of fills) fill.spoiled = true;
    this.entries.clear();
    this.dependents.clear();
  }

  // Most keys have one dependent (a grant and its one token): a string saves a Set each.
  private link(dependency: string, key: string): void {
    const dependents = this.dependents.get(dependency);
    if (dependents === undefined) this.dependents.set(dependency, key);
    else if (typeof dependents === 'string') {
      if (dependents !== key) this.dependents.set(dependency, new Set([dependents, key]));
    } else dependents.add(key);
  }

  private unlink(dependency: string, key: string): void {
    const dependents = this.dependents.get(dependency);
    if (dependents === undefined) return;
    if (typeof dependents === 'string') {
      if (dependents === key) this.dependents.delete(dependency);
      return;
    }
    dependents.delete(key);
    if (dependents.size > 1) return;
    const [last] = dependents;
    if (last === undefined) this.dependents.delete(dependency);
    else this.dependents.set(dependency, last);
  }
}
