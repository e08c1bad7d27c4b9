import { OAuthistConfigurationError } from '../errors';
import type { OAuthistBruteForceOptions } from '../interfaces';

/**
 * The brute-force protection's limits, validated, with the defaults filled in.
 * @publicApi
 */
export interface BruteForceLimits {
  /** Failed attempts at a client id, or a username, from one source within the window. */
  readonly maxFailures: number;
  /** Failed attempts at a username from every source together within the window. */
  readonly maxFailuresPerUsername: number;
  /** The sliding window, in seconds. */
  readonly windowSeconds: number;
}

const DEFAULTS: BruteForceLimits = {
  maxFailures: 10,
  maxFailuresPerUsername: 100,
  windowSeconds: 300,
};

// Upper bounds keep every subject's sorted set small and its keys short-lived.
const MAX_FAILURES = 1000;
const MAX_FAILURES_PER_USERNAME = 10000;
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
      'expected false or { maxFailures?, maxFailuresPerUsername?, windowSeconds? }',
    );
  }
  const options = value as OAuthistBruteForceOptions;
  const maxFailures = wholeNumber(
    'maxFailures',
    options.maxFailures,
    DEFAULTS.maxFailures,
    MAX_FAILURES,
  );
  const maxFailuresPerUsername = wholeNumber(
    'maxFailuresPerUsername',
    options.maxFailuresPerUsername,
    Math.max(DEFAULTS.maxFailuresPerUsername, maxFailures),
    MAX_FAILURES_PER_USERNAME,
  );
  if (maxFailuresPerUsername < maxFailures) {
    throw new OAuthistConfigurationError(
      'bruteForce.maxFailuresPerUsername',
      `expected at least maxFailures (${maxFailures}), got ${maxFailuresPerUsername}`,
    );
  }
  return {
    maxFailures,
    maxFailuresPerUsername,
    windowSeconds: wholeNumber(
      'windowSeconds',
      options.windowSeconds,
      DEFAULTS.windowSeconds,
      MAX_WINDOW_SECONDS,
    ),
  };
}
