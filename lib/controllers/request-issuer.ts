import type { HttpRequestLike } from '../http/http-request';

/** The issuer a request implies when the `issuer` option is unset: its scheme and Host. */
export function issuerOf(request: HttpRequestLike & { protocol?: string }): string {
  const host = request.headers?.host;
  return `${request.protocol ?? 'http'}://${typeof host === 'string' ? host : 'localhost'}`;
}

/**
 * The `Cache-Control` of a metadata document: a document built from the Host header (the
 * `issuer` option unset) must not be cached and served to others.
 */
export function metadataCacheControl(configuredIssuer: string | null): string {
  return configuredIssuer === null ? 'no-store' : 'public, max-age=3600';
}
