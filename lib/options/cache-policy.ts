import { OAuthistConfigurationError } from '../errors';
import type { OAuthistCacheOptions } from '../interfaces';

/**
 * An in-process cache's bounds, validated, with the defaults filled in.
 * @publicApi
 */
export interface CachePolicy {
  /** The entries it holds at most. */
  readonly maxEntries: number;
  /** The longest an entry is kept, in seconds. */
  readonly maxAgeSeconds: number;
}

const DEFAULTS: CachePolicy = { maxEntries: 10_000, maxAgeSeconds: 300 };

// A cache of ten million entries would hold gigabytes; a day bounds what a lost report could cost.
const MAX_ENTRIES = 10_000_000;
const MAX_AGE_SECONDS = 86_400;

function wholeNumber(
  option: string,
  name: string,
  value: unknown,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new OAuthistConfigurationError(
      `${option}.${name}`,
      `expected a whole number from 1 to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Validates `clientCache` or `tokenCache` (`option` names which); `null` when the cache is off.
 * `enabledByDefault`: what leaving the option out means.
 */
export function resolveCachePolicy(
  option: 'clientCache' | 'tokenCache',
  value: unknown,
  enabledByDefault: boolean,
): CachePolicy | null {
  if (value === false || (value === undefined && !enabledByDefault)) return null;
  if (value === undefined || value === true) return DEFAULTS;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OAuthistConfigurationError(
      option,
      'expected false, true or { maxEntries?, maxAgeSeconds? }',
    );
  }
  const options = value as OAuthistCacheOptions;
  for (const key of Object.keys(options)) {
    if (key !== 'maxEntries' && key !== 'maxAgeSeconds') {
      throw new OAuthistConfigurationError(
        `${option}.${key}`,
        'unknown key (expected maxEntries and maxAgeSeconds only)',
      );
    }
  }
  return {
    maxEntries: wholeNumber(
      option,
      'maxEntries',
      options.maxEntries,
      DEFAULTS.maxEntries,
      MAX_ENTRIES,
    ),
    maxAgeSeconds: wholeNumber(
      option,
      'maxAgeSeconds',
      options.maxAgeSeconds,
      DEFAULTS.maxAgeSeconds,
      MAX_AGE_SECONDS,
    ),
  };
}
