import { OAuthistConfigurationError } from '../errors';
import type { OAuthistBruteForceOptions } from '../interfaces';

/**
 * The brute-force protection's limits, validated, with the defaults filled in.
 * @publicApi
 */
export interface BruteForceLimits {
  /** Failed attempts a client id, or a username, may make within the window. */
  readonly maxFailures: number;
  /** The sliding window, in seconds. */
  readonly windowSeconds: number;
}

const DEFAULTS: BruteForceLimits = { maxFailures: 10, windowSeconds: 300 };

// Upper bounds keep every subject's sorted set small and its keys short-lived.
const MAX_FAILURES = 1000;
const MAX_WINDOW_SECONDS = 86400;

function wholeNumber(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new OAuthistConfigurationError(
      `bruteForce.${name}`,
      `expected a whole number from 1 to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** Validates the `bruteForce` option; `null` when it turns the protection off. */
export function resolveBruteForce(value: unknown): BruteForceLimits | null {
  if (value === false) return null;
  if (value === undefined) return DEFAULTS;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OAuthistConfigurationError(
      'bruteForce',
      'expected false or { maxFailures?, windowSeconds? }',
    );
  }
  const options = value as OAuthistBruteForceOptions;
  return {
    maxFailures: wholeNumber(
      'maxFailures',
      options.maxFailures,
      DEFAULTS.maxFailures,
      MAX_FAILURES,
    ),
    windowSeconds: wholeNumber(
      'windowSeconds',
      options.windowSeconds,
      DEFAULTS.windowSeconds,
      MAX_WINDOW_SECONDS,
    ),
  };
}
