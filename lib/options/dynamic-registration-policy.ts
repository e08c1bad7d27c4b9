import { constantTimeEqual } from '../crypto/constant-time-equal';
import { OAuthistConfigurationError } from '../errors';
import type {
  OAuthistDynamicRegistrationOptions,
  OAuthistRegistrationRateLimit,
  RegistrableGrantType,
} from '../interfaces';
import { SCOPE_TOKEN } from '../protocol/scope';

/**
 * How dynamic client registration (RFC 7591) runs, validated, with the defaults filled in.
 * @publicApi
 */
export interface DynamicRegistrationPolicy {
  /** Checks an initial access token; `null`: registration is open. */
  readonly initialAccessToken: ((token: string) => Promise<boolean>) | null;
  /** The rate limit per source address; `null`: none. */
  readonly rateLimit: Readonly<Required<OAuthistRegistrationRateLimit>> | null;
  /** The scopes a self-registered client may register; `null`: any the server issues. */
  readonly scopes: ReadonlySet<string> | null;
  /** The grant types a self-registered client may register. */
  readonly grantTypes: ReadonlySet<RegistrableGrantType>;
}

/** Every grant type a self-registered client could be allowed. */
export const REGISTRABLE_GRANT_TYPES: readonly RegistrableGrantType[] = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
];

// The grants that need a user's consent: anyone who registers gets nothing no user gave.
const DEFAULT_GRANT_TYPES: readonly RegistrableGrantType[] = [
  'authorization_code',
  'implicit',
  'refresh_token',
];

// A registered client stays until it is purged, unlike a pending request: a tighter budget.
const DEFAULT_RATE_LIMIT = { maxPerSource: 20, windowSeconds: 3600 };
const MAX_PER_SOURCE = 10000;
const MAX_WINDOW_SECONDS = 86400;

// RFC 6750 §2.1: what a bearer token may be made of to travel in the Authorization header.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_TOKEN_LENGTH = 16;

function refuse(name: string, problem: string): never {
  throw new OAuthistConfigurationError(`dynamicRegistration.${name}`, problem);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function initialAccessToken(value: unknown): DynamicRegistrationPolicy['initialAccessToken'] {
  if (value === undefined) return null;
  if (typeof value === 'function') {
    const verify = value as (token: string) => boolean | Promise<boolean>;
    return async (token) => (await verify(token)) === true;
  }
  if (!Array.isArray(value)) {
    refuse('initialAccessToken', 'expected an array of tokens or a function (token) => boolean');
  }
  // An empty list would refuse everyone, most likely a setting that went missing: say so.
  if (value.length === 0) {
    refuse(
      'initialAccessToken',
      'expected at least one token; leave it unset for open registration',
    );
  }
  for (const token of value as unknown[]) {
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || !B64TOKEN.test(token)) {
      refuse(
        'initialAccessToken',
        `each token must be at least ${MIN_TOKEN_LENGTH} characters of RFC 6750 §2.1 b64token`,
      );
    }
  }
  const tokens = [...(value as string[])];
  return (token) => {
    // Every token is compared, so the time taken says nothing about which one came close.
    let found = false;
    for (const each of tokens) found = constantTimeEqual(token, each) || found;
    return Promise.resolve(found);
  };
}

function wholeNumber(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    refuse(name, `expected a whole number from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

function rateLimit(value: unknown): DynamicRegistrationPolicy['rateLimit'] {
  if (value === false) return null;
  if (value === undefined) return DEFAULT_RATE_LIMIT;
  if (!isObject(value)) refuse('rateLimit', 'expected false or { maxPerSource?, windowSeconds? }');
  return {
    maxPerSource: wholeNumber(
      'rateLimit.maxPerSource',
      value.maxPerSource,
      DEFAULT_RATE_LIMIT.maxPerSource,
      MAX_PER_SOURCE,
    ),
    windowSeconds: wholeNumber(
      'rateLimit.windowSeconds',
      value.windowSeconds,
      DEFAULT_RATE_LIMIT.windowSeconds,
      MAX_WINDOW_SECONDS,
    ),
  };
}

function scopes(value: unknown, issued: ReadonlySet<string> | null): ReadonlySet<string> | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) refuse('scopes', 'expected an array of scope names');
  for (const scope of value as unknown[]) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      refuse('scopes', `${JSON.stringify(scope)} is not a valid scope (RFC 6749 §3.3)`);
    }
    if (issued !== null && !issued.has(scope)) {
      refuse('scopes', `${JSON.stringify(scope)} is not among the server's scopes`);
    }
  }
  return new Set(value as string[]);
}

function grantTypes(value: unknown): ReadonlySet<RegistrableGrantType> {
  if (value === undefined) return new Set(DEFAULT_GRANT_TYPES);
  if (!Array.isArray(value) || value.length === 0) {
    refuse('grantTypes', `expected a non-empty array of ${REGISTRABLE_GRANT_TYPES.join(', ')}`);
  }
  for (const grant of value as unknown[]) {
    if (!REGISTRABLE_GRANT_TYPES.includes(grant as RegistrableGrantType)) {
      refuse(
        'grantTypes',
        `${JSON.stringify(grant)} is not one of ${REGISTRABLE_GRANT_TYPES.join(', ')}`,
      );
    }
  }
  return new Set(value as RegistrableGrantType[]);
}

const KNOWN_KEYS = new Set(['initialAccessToken', 'rateLimit', 'scopes', 'grantTypes']);

/**
 * Validates the `dynamicRegistration` option against the server's `scopes` (`null`: any);
 * `null` when registration is off.
 */
export function resolveDynamicRegistration(
  value: unknown,
  issuedScopes: ReadonlySet<string> | null,
): DynamicRegistrationPolicy | null {
  if (value === undefined || value === false) return null;
  if (!isObject(value)) {
    throw new OAuthistConfigurationError(
      'dynamicRegistration',
      'expected false or { initialAccessToken?, rateLimit?, scopes?, grantTypes? }',
    );
  }
  // A misspelt guard (`initialAccessTokens`) would otherwise leave registration open.
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.has(key)) refuse(key, `unknown key (expected ${[...KNOWN_KEYS].join(', ')})`);
  }
  const options = value as OAuthistDynamicRegistrationOptions;
  return {
    initialAccessToken: initialAccessToken(options.initialAccessToken),
    rateLimit: rateLimit(options.rateLimit),
    scopes: scopes(options.scopes, issuedScopes),
    grantTypes: grantTypes(options.grantTypes),
  };
}
