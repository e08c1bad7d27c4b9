import { OAuthistConfigurationError } from '../errors';
import type { OAuthistRefreshTokenOptions } from '../interfaces';

/**
 * The refresh-token options, validated, with the defaults filled in.
 * @publicApi
 */
export interface RefreshTokenPolicy {
  /** Seconds a family lives, from the user's consent (or the password grant), however it rotates. */
  readonly ttl: number;
  /** Seconds a family may go unused before it ends; `null`: no limit but `ttl`. */
  readonly idleTtl: number | null;
  /** Whether a confidential client's refresh token rotates too (a public client's always does). */
  readonly rotateConfidentialClients: boolean;
  /** Seconds after a rotation in which the previous refresh token still works once more. */
  readonly reuseGraceSeconds: number;
}

// A retry after a lost answer comes within seconds; a longer window is a second live token.
const MAX_REUSE_GRACE_SECONDS = 300;
// Ten years: a family is meant to end.
const MAX_TTL = 10 * 365 * 86400;

function seconds(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new OAuthistConfigurationError(
      `refreshTokens.${name}`,
      `expected a whole number of seconds from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** Validates the `refreshTokens` option; `null` when refresh tokens are off. */
export function resolveRefreshTokens(value: unknown): RefreshTokenPolicy | null {
  if (value === undefined || value === false) return null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OAuthistConfigurationError(
      'refreshTokens',
      'expected false or { ttl, idleTtl?, rotation?, reuseGraceSeconds? }',
    );
  }
  const options = value as OAuthistRefreshTokenOptions;
  const ttl = seconds('ttl', options.ttl, 1, MAX_TTL);
  const idleTtl =
    options.idleTtl === undefined ? null : seconds('idleTtl', options.idleTtl, 1, ttl);
  const rotation = options.rotation ?? 'every-client';
  if (rotation !== 'every-client' && rotation !== 'public-clients') {
    throw new OAuthistConfigurationError(
      'refreshTokens.rotation',
      `expected 'every-client' or 'public-clients' (a public client's tokens always rotate, RFC 9700 §4.14.2), got ${String(rotation)}`,
    );
  }
  return {
    ttl,
    idleTtl,
    rotateConfidentialClients: rotation === 'every-client',
    reuseGraceSeconds:
      options.reuseGraceSeconds === undefined
        ? 0
        : seconds('reuseGraceSeconds', options.reuseGraceSeconds, 0, MAX_REUSE_GRACE_SECONDS),
  };
}
