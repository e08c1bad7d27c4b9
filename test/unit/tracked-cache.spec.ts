import { TrackedCache } from '../../lib/cache/tracked-cache';
import type { InvalidationTracking } from '../../lib/cache/invalidation-tracking';

/** Tracking as a test sets it: whether Redis reports, and the epoch of its promise. */
class Tracking implements InvalidationTracking {
  tracking = true;
  epoch = 0;
}

interface Value {
  readonly name: string;
}

function cacheOf(tracking: Tracking, maxEntries = 10, maxAgeSeconds = 300): TrackedCache<Value> {
  return new TrackedCache<Value>({ maxEntries, maxAgeSeconds }, tracking);
}

/** Stores `value` under `key`, depending on `dependencies`, through a fill that nothing spoils. */
function put(cache: TrackedCache<Value>, key: string, dependencies: string[], value: Value): void {
  const fill = cache.beginFill(dependencies);
  if (fill === null) throw new Error('expected a fill');
  cache.endFill(fill, key, value);
}

describe('TrackedCache', () => {
  it('keeps what a fill read, and serves it while Redis reports', () => {
    const tracking = new Tracking();
    const cache = cacheOf(tracking);
    put(cache, 'k', ['redis:a'], { name: 'one' });
    expect(cache.get('k')).toEqual({ name: 'one' });
    tracking.tracking = false;
    expect(cache.get('k')).toBeUndefined();
  });

  it('begins no fill while the reports are in doubt', () => {
    const tracking = new Tracking();
    tracking.tracking = false;
    expect(cacheOf(tracking).beginFill(['redis:a'])).toBeNull();
  });

  it('drops every entry that depends on a reported key, and only those', () => {
    const cache = cacheOf(new Tracking());
    put(cache, 'token1', ['grant:1'], { name: 't1' });
    put(cache, 'token2', ['grant:1'], { name: 't2' });
    put(cache, 'token3', ['grant:2'], { name: 't3' });
    put(cache, 'client', ['client:x', 'attempts:x'], { name: 'c' });
    cache.invalidate(['grant:1', 'attempts:x', 'unrelated']);
    expect(cache.get('token1')).toBeUndefined();
    expect(cache.get('token2')).toBeUndefined();
    expect(cache.get('client')).toBeUndefined();
    expect(cache.get('token3')).toEqual({ name: 't3' });
    expect(cache.size).toBe(1);
  });

  it('keeps nothing of a read that a report of its keys overtook', () => {
    const cache = cacheOf(new Tracking());
    const fill = cache.beginFill(['grant:1']);
    if (fill === null) throw new Error('expected a fill');
    cache.invalidate(['grant:1']);
    cache.endFill(fill, 'token1', { name: 'stale' });
    expect(cache.get('token1')).toBeUndefined();
  });

  it('keeps nothing of a read begun before a doubt, even once tracking is back', () => {
    const tracking = new Tracking();
    const cache = cacheOf(tracking);
    const fill = cache.beginFill(['grant:1']);
    if (fill === null) throw new Error('expected a fill');
    tracking.epoch++;
    cache.endFill(fill, 'token1', { name: 'read before the doubt' });
    expect(cache.get('token1')).toBeUndefined();
  });

  it('keeps nothing of a read that ended while tracking was off', () => {
    const tracking = new Tracking();
    const cache = cacheOf(tracking);
    const fill = cache.beginFill(['grant:1']);
    if (fill === null) throw new Error('expected a fill');
    tracking.tracking = false;
    cache.endFill(fill, 'token1', { name: 'v' });
    tracking.tracking = true;
    expect(cache.get('token1')).toBeUndefined();
  });

  it('a fill ended with nothing stores nothing, and forgets the fill', () => {
    const cache = cacheOf(new Tracking());
    const fill = cache.beginFill(['grant:1']);
    if (fill === null) throw new Error('expected a fill');
    cache.endFill(fill, 'token1', undefined);
    // A later report finds no fill to spoil and no entry to drop.
    cache.invalidate(['grant:1']);
    put(cache, 'token1', ['grant:1'], { name: 'later' });
    expect(cache.get('token1')).toEqual({ name: 'later' });
  });

  it('clear() drops everything and spoils the fills under way', () => {
    const cache = cacheOf(new Tracking());
    put(cache, 'token1', ['grant:1'], { name: 't1' });
    const fill = cache.beginFill(['grant:2']);
    if (fill === null) throw new Error('expected a fill');
    cache.clear();
    cache.endFill(fill, 'token2', { name: 't2' });
    expect(cache.size).toBe(0);
    expect(cache.get('token1')).toBeUndefined();
  });

  it('evicts the least recently used past maxEntries, and a report of its keys is harmless', () => {
    const cache = cacheOf(new Tracking(), 2);
    put(cache, 'a', ['grant:a'], { name: 'a' });
    put(cache, 'b', ['grant:b'], { name: 'b' });
    cache.get('a');
    put(cache, 'c', ['grant:b'], { name: 'c' });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.invalidate(['grant:b']);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.get('a')).toEqual({ name: 'a' });
  });

  it('never serves an entry past its ttl, nor past the maximum age', () => {
    const clock = { ms: 1_000_000, now: () => clock.ms };
    const cache = new TrackedCache<Value>(
      { maxEntries: 10, maxAgeSeconds: 60 },
      new Tracking(),
      clock,
    );
    const short = cache.beginFill(['grant:1']);
    const long = cache.beginFill(['grant:2']);
    if (short === null || long === null) throw new Error('expected fills');
    cache.endFill(short, 'short', { name: 's' }, 1000);
    cache.endFill(long, 'long', { name: 'l' }, 3_600_000);
    clock.ms += 1001;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toEqual({ name: 'l' });
    clock.ms += 60_000;
    expect(cache.get('long')).toBeUndefined();
  });

  it('stores nothing whose ttl is already over', () => {
    const cache = cacheOf(new Tracking());
    const fill = cache.beginFill(['grant:1']);
    if (fill === null) throw new Error('expected a fill');
    cache.endFill(fill, 'token1', { name: 'expired' }, 0);
    expect(cache.size).toBe(0);
  });

  it('replacing an entry moves its dependencies with it', () => {
    const cache = cacheOf(new Tracking());
    put(cache, 'k', ['grant:old'], { name: 'old' });
    put(cache, 'k', ['grant:new'], { name: 'new' });
    cache.invalidate(['grant:old']);
    expect(cache.get('k')).toEqual({ name: 'new' });
    cache.invalidate(['grant:new']);
    expect(cache.get('k')).toBeUndefined();
  });
});
