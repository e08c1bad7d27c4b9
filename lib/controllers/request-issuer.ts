import type { HttpRequestLike } from '../http/http-request';

/** The issuer a request implies when the `issuer` option is unset: its scheme and Host. */
export function issuerOf(request: HttpRequestLike & { protocol?: string }): string {
  const host = request.headers?.host;
  return `${request.protocol ?? 'http'}://${typeof host === 'string' ? host : 'localhost'}`;
}
