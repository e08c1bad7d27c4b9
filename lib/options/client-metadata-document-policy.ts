import { OAuthistConfigurationError } from '../errors';
import type { OAuthistClientMetadataDocumentOptions } from '../interfaces';

/**
 * The Client ID Metadata Document options, validated, with the defaults filled in.
 * @publicApi
 */
export interface ClientMetadataDocumentPolicy {
  /** Whether loopback `http` documents, and loopback addresses, are allowed (local testing). */
  readonly allowLoopbackHttp: boolean;
  /** Milliseconds the whole fetch may take. */
  readonly timeoutMs: number;
  /** Bytes of a document read at most. */
  readonly maxDocumentBytes: number;
  /** Seconds a document is kept at least (unless `no-store`). */
  readonly minCacheSeconds: number;
  /** Seconds a document is kept at most. */
  readonly maxCacheSeconds: number;
  /** Seconds a document without `max-age` is kept. */
  readonly defaultCacheSeconds: number;
  /** Seconds a failure is remembered; 0: not at all. */
  readonly failureCacheSeconds: number;
}

const DEFAULTS: ClientMetadataDocumentPolicy = {
  allowLoopbackHttp: false,
  timeoutMs: 5000,
  // The draft's recommended ceiling (Security Considerations, Maximum Response Size).
  maxDocumentBytes: 5120,
  minCacheSeconds: 300,
  maxCacheSeconds: 86400,
  defaultCacheSeconds: 3600,
  failureCacheSeconds: 60,
};

// A fetch holds a request of the authorization endpoint open: a minute is already generous.
const MAX_TIMEOUT_MS = 60_000;
// A document is a few fields of JSON; a megabyte would only be someone testing the limit.
const MAX_DOCUMENT_BYTES = 1 << 20;
// A week: a document is meant to be fetched again now and then (draft, Client Information Discovery).
const MAX_CACHE_SECONDS = 7 * 86400;
const MAX_FAILURE_SECONDS = 3600;
const KEYS = new Set<string>(Object.keys(DEFAULTS));

function whole(
  options: OAuthistClientMetadataDocumentOptions,
  name: keyof OAuthistClientMetadataDocumentOptions,
  min: number,
  max: number,
): number {
  const value = options[name];
  if (value === undefined) return DEFAULTS[name] as number;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new OAuthistConfigurationError(
      `clientMetadataDocuments.${name}`,
      `expected a whole number from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** Validates the `clientMetadataDocuments` option; `null` when documents are not read. */
export function resolveClientMetadataDocuments(
  value: unknown,
): ClientMetadataDocumentPolicy | null {
  if (value === undefined || value === false) return null;
  if (value === true) return DEFAULTS;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OAuthistConfigurationError(
      'clientMetadataDocuments',
      'expected true, false or { allowLoopbackHttp?, timeoutMs?, maxDocumentBytes?, minCacheSeconds?, maxCacheSeconds?, defaultCacheSeconds?, failureCacheSeconds? }',
    );
  }
  // A misspelt bound would otherwise leave the default in force without a word.
  for (const key of Object.keys(value)) {
    if (!KEYS.has(key))
      throw new OAuthistConfigurationError(`clientMetadataDocuments.${key}`, 'unknown option');
  }
  const options = value as OAuthistClientMetadataDocumentOptions;
  const allowLoopbackHttp = options.allowLoopbackHttp ?? false;
  if (typeof allowLoopbackHttp !== 'boolean') {
    throw new OAuthistConfigurationError(
      'clientMetadataDocuments.allowLoopbackHttp',
      `expected true or false, got ${String(allowLoopbackHttp)}`,
    );
  }
  const minCacheSeconds = whole(options, 'minCacheSeconds', 0, MAX_CACHE_SECONDS);
  const maxCacheSeconds = whole(options, 'maxCacheSeconds', 1, MAX_CACHE_SECONDS);
  if (maxCacheSeconds < minCacheSeconds) {
    throw new OAuthistConfigurationError(
      'clientMetadataDocuments.maxCacheSeconds',
      `expected at least minCacheSeconds (${minCacheSeconds}), got ${maxCacheSeconds}`,
    );
  }
  const defaultCacheSeconds =
    options.defaultCacheSeconds === undefined
      ? Math.min(Math.max(DEFAULTS.defaultCacheSeconds, minCacheSeconds), maxCacheSeconds)
      : whole(options, 'defaultCacheSeconds', minCacheSeconds, maxCacheSeconds);
  return {
    allowLoopbackHttp,
    timeoutMs: whole(options, 'timeoutMs', 1, MAX_TIMEOUT_MS),
    maxDocumentBytes: whole(options, 'maxDocumentBytes', 256, MAX_DOCUMENT_BYTES),
    minCacheSeconds,
    maxCacheSeconds,
    defaultCacheSeconds,
    failureCacheSeconds: whole(options, 'failureCacheSeconds', 0, MAX_FAILURE_SECONDS),
  };
}
