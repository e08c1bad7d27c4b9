import type { ClientMetadataDocumentPolicy } from '../options/client-metadata-document-policy';

/** What a `Cache-Control` header (RFC 9111 §5.2) says about keeping a response. */
export interface CacheDirectives {
  /** `no-store`: do not keep it at all. */
  readonly noStore: boolean;
  /** `max-age` in seconds (`no-cache` counts as 0); `null` when it says none. */
  readonly maxAge: number | null;
}

/**
 * The directives of a `Cache-Control` header that matter to a cache of documents. Names are
 * case-insensitive and a value may be quoted (RFC 9111 §5.2); a malformed `max-age` is ignored,
 * as RFC 9111 §4.2.1 has a cache treat it as stale, which the minimum lifetime covers.
 */
export function parseCacheControl(header: string | readonly string[] | undefined): CacheDirectives {
  const text = Array.isArray(header) ? header.join(',') : ((header as string | undefined) ?? '');
  let noStore = false;
  let maxAge: number | null = null;
  for (const part of text.split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'no-store') noStore = true;
    else if (name === 'no-cache') maxAge = 0;
    else if (name === 'max-age' && /^\d{1,10}$/.test(value) && maxAge === null)
      maxAge = Number(value);
  }
  return { noStore, maxAge };
}

/**
 * Seconds to keep a document served with this `Cache-Control`: 0 for `no-store`, else its
 * `max-age` (or the default) within the policy's bounds (the draft's Metadata Caching lets the
 * server set both).
 */
export function documentCacheSeconds(
  header: string | readonly string[] | undefined,
  policy: Pick<
    ClientMetadataDocumentPolicy,
    'minCacheSeconds' | 'maxCacheSeconds' | 'defaultCacheSeconds'
  >,
): number {
  const { noStore, maxAge } = parseCacheControl(header);
  if (noStore) return 0;
  const wanted = maxAge ?? policy.defaultCacheSeconds;
  return Math.min(Math.max(wanted, policy.minCacheSeconds), policy.maxCacheSeconds);
}
