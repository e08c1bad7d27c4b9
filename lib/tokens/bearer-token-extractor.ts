import { OAuthError } from '../errors';
import type { HttpRequestLike } from '../http/http-request';

/** RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** Where oauthist looks for a bearer token besides the `Authorization` header. */
export interface BearerTokenSources {
  readonly body: boolean;
  readonly query: boolean;
}

function single(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new OAuthError(
      'invalid_request',
      `access_token in the ${where} is repeated or malformed`,
    );
  return value;
}

/**
 * RFC 6750 §2.2: a form-encoded body whose request method gives the body meaning, so never GET
 * (nor HEAD). Express parses a GET body and Fastify does not; checking here keeps them alike.
 */
function isForm(request: HttpRequestLike): boolean {
  const method = (request.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return false;
  const type = request.headers?.['content-type'];
  return (
    typeof type === 'string' && type.toLowerCase().startsWith('application/x-www-form-urlencoded')
  );
}

/**
 * The bearer token of a request (RFC 6750 §2): the `Authorization` header, a form-encoded body
 * parameter, or a query parameter, as `sources` allow; `undefined` when none was sent. More than
 * one method in one request (§2) or a malformed header is `invalid_request`.
 */
export function extractBearerToken(
  request: HttpRequestLike,
  sources: BearerTokenSources,
): string | undefined {
  const found: string[] = [];
  const header = request.headers?.authorization;
  if (typeof header === 'string' && /^bearer(\s|$)/i.test(header)) {
    const match = BEARER.exec(header);
    if (!match)
      throw new OAuthError(
        'invalid_request',
        'the Authorization header is not "Bearer <token>" (RFC 6750 §2.1)',
      );
    found.push(match[1]);
  }
  if (
    sources.body &&
    isForm(request) &&
    request.body !== null &&
    typeof request.body === 'object'
  ) {
    const token = single((request.body as Record<string, unknown>).access_token, 'body');
    if (token !== undefined) found.push(token);
  }
  if (sources.query && request.query !== null && typeof request.query === 'object') {
    const token = single((request.query as Record<string, unknown>).access_token, 'query');
    if (token !== undefined) found.push(token);
  }
  if (found.length > 1) {
    throw new OAuthError(
      'invalid_request',
      'the token was sent by more than one method (RFC 6750 §2)',
    );
  }
  return found[0];
}
