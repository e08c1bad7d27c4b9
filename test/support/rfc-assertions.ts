import type { Response } from 'supertest';

/**
 * RFC 6749 §5.2 and RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E only, so that
 * it survives both JSON and a quoted WWW-Authenticate parameter.
 */
const ERROR_DESCRIPTION_CHARACTERS = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** RFC 6750 §2.1 b64token, which every token oauthist issues must be to travel in a header. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The challenge of a failed HTTP Basic client authentication (RFC 6749 §5.2, RFC 7617 §2). */
export function basicChallenge(realm = 'oauthist'): string {
  return `Basic realm="${realm}", charset="UTF-8"`;
}

/** The Basic challenge under the default realm. */
export const BASIC_CHALLENGE = basicChallenge();

/** The media type of a response, without parameters, in lower case. */
export function mediaTypeOf(response: Response): string | undefined {
  const type = response.headers['content-type'] as string | undefined;
  return type?.split(';')[0].trim().toLowerCase();
}

/** A single response header, which a test compares as a whole. */
export function headerOf(response: Response, name: string): string | undefined {
  return response.headers[name.toLowerCase()] as string | undefined;
}

/** A JSON answer of exactly this status, `Cache-Control` and body. */
export function expectJsonAnswer(
  response: Response,
  expected: { status: number; cacheControl: string | undefined; body: unknown },
): void {
  expect({
    status: response.status,
    mediaType: mediaTypeOf(response),
    cacheControl: headerOf(response, 'Cache-Control'),
    body: response.body as unknown,
  }).toEqual({ mediaType: 'application/json', ...expected });
}

/** What a token endpoint (or any endpoint answering like it) must refuse with. */
export interface ExpectedOAuthError {
  readonly status: number;
  readonly error: string;
  /** The exact error_description. */
  readonly description: string;
  /** The exact WWW-Authenticate header; absent when left out. */
  readonly challenge?: string;
}

/**
 * An RFC 6749 §5.2 error response: the status, JSON, never cached (§5.1), a body of exactly
 * `error` and an ASCII `error_description`, and a WWW-Authenticate header only where expected.
 */
export function expectTokenError(response: Response, expected: ExpectedOAuthError): void {
  expect({
    status: response.status,
    mediaType: mediaTypeOf(response),
    cacheControl: headerOf(response, 'Cache-Control'),
    pragma: headerOf(response, 'Pragma'),
    wwwAuthenticate: headerOf(response, 'WWW-Authenticate'),
    location: headerOf(response, 'Location'),
    body: response.body as unknown,
  }).toEqual({
    status: expected.status,
    mediaType: 'application/json',
    cacheControl: 'no-store',
    pragma: 'no-cache',
    wwwAuthenticate: expected.challenge,
    location: undefined,
    body: { error: expected.error, error_description: expected.description },
  });
  expect(expected.description).toMatch(ERROR_DESCRIPTION_CHARACTERS);
}

/** The RFC 6749 §5.1 body of a token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in?: number;
  scope?: string;
  refresh_token?: string;
}

/** What a successful token response must hold besides the token itself. */
export interface ExpectedToken {
  /** The granted scope; absent when none was granted. */
  readonly scope?: string;
  /**
   * Seconds until expiry (the configured lifetime, give or take the one second that whole-second
   * bookkeeping may add or the request may take); absent when the token never expires.
   */
  readonly expiresIn?: number;
  /** Whether the response carries a refresh token (RFC 6749 §5.1); default not. */
  readonly refreshToken?: boolean;
}

/**
 * An RFC 6749 §5.1 token response: 200, JSON, never cached, a b64token bearer token (RFC 6750
 * §2.1), and nothing but the members expected. Returns the body.
 */
export function expectTokenSuccess(
  response: Response,
  expected: ExpectedToken = {},
): TokenResponse {
  const body = response.body as TokenResponse;
  expect({
    status: response.status,
    mediaType: mediaTypeOf(response),
    cacheControl: headerOf(response, 'Cache-Control'),
    pragma: headerOf(response, 'Pragma'),
    body,
  }).toEqual({
    status: 200,
    mediaType: 'application/json',
    cacheControl: 'no-store',
    pragma: 'no-cache',
    body: {
      access_token: expect.stringMatching(B64TOKEN),
      token_type: 'Bearer',
      ...(expected.scope === undefined ? {} : { scope: expected.scope }),
      ...(expected.expiresIn === undefined ? {} : { expires_in: expect.any(Number) }),
      ...(expected.refreshToken === true ? { refresh_token: expect.stringMatching(B64TOKEN) } : {}),
    },
  });
  if (expected.expiresIn !== undefined) {
    expect(body.expires_in).toBeGreaterThanOrEqual(expected.expiresIn - 1);
    expect(body.expires_in).toBeLessThanOrEqual(expected.expiresIn + 1);
  }
  return body;
}

/** The RFC 6750 §3 refusal of a protected route. */
export interface ExpectedBearerRefusal {
  readonly status: number;
  /** Default `oauthist`. */
  readonly realm?: string;
  /** Absent when no token was sent at all (RFC 6750 §3.1: then no error attribute). */
  readonly error?: string;
  readonly description?: string;
  /** The scope attribute of an `insufficient_scope` challenge. */
  readonly scope?: string;
  /** The `resource_metadata` attribute (RFC 9728 §5.1) of a route that names its resource. */
  readonly resourceMetadata?: string;
}

/** The exact `WWW-Authenticate: Bearer` challenge oauthist sends (RFC 6750 §3). */
export function bearerChallenge(expected: Omit<ExpectedBearerRefusal, 'status'>): string {
  const attributes = [`realm="${expected.realm ?? 'oauthist'}"`];
  if (expected.error !== undefined) {
    attributes.push(`error="${expected.error}"`, `error_description="${expected.description}"`);
  }
  if (expected.scope !== undefined) attributes.push(`scope="${expected.scope}"`);
  if (expected.resourceMetadata !== undefined)
    attributes.push(`resource_metadata="${expected.resourceMetadata}"`);
  return `Bearer ${attributes.join(', ')}`;
}

/**
 * A protected route's refusal (RFC 6750 §3, §3.1): the status, the exact Bearer challenge, and a
 * JSON body naming the same error, or with no error at all when no token was sent.
 */
export function expectBearerRefusal(response: Response, expected: ExpectedBearerRefusal): void {
  expect({
    status: response.status,
    mediaType: mediaTypeOf(response),
    wwwAuthenticate: headerOf(response, 'WWW-Authenticate'),
    body: response.body as unknown,
  }).toEqual({
    status: expected.status,
    mediaType: 'application/json',
    wwwAuthenticate: bearerChallenge(expected),
    body:
      expected.error === undefined
        ? { message: 'a bearer token is required (RFC 6750 section 3)' }
        : { error: expected.error, error_description: expected.description },
  });
  if (expected.description !== undefined) {
    expect(expected.description).toMatch(ERROR_DESCRIPTION_CHARACTERS);
  }
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * The authorization endpoint's error page for a broken request (RFC 6749 §4.1.2.1: never
 * redirect): the status, HTML that no page may frame (RFC 6749 §10.13), never cached, no
 * Location, and the error and its description in the text.
 */
export function expectErrorPage(
  response: Response,
  expected: { status: number; error: string; description: string },
): void {
  expect({
    status: response.status,
    mediaType: mediaTypeOf(response),
    frameOptions: headerOf(response, 'X-Frame-Options'),
    frameAncestors: headerOf(response, 'Content-Security-Policy')?.includes(
      "frame-ancestors 'none'",
    ),
    cacheControl: headerOf(response, 'Cache-Control'),
    pragma: headerOf(response, 'Pragma'),
    location: headerOf(response, 'Location'),
  }).toEqual({
    status: expected.status,
    mediaType: 'text/html',
    frameOptions: 'DENY',
    frameAncestors: true,
    cacheControl: 'no-store',
    pragma: 'no-cache',
    location: undefined,
  });
  expect(response.text).toContain(`<p>${escapeHtml(expected.description)}</p>`);
  expect(response.text).toContain(`<code>${escapeHtml(expected.error)}</code>`);
}

/** The parameters of a redirect's query or fragment, each once. */
function parametersOf(search: string): Record<string, string> {
  const parameters = new URLSearchParams(search);
  const names = [...parameters.keys()];
  expect(names).toEqual([...new Set(names)]);
  return Object.fromEntries(parameters);
}

/** What a redirect back to the client holds. */
export interface ClientRedirect {
  /** The redirect URL without query and fragment. */
  readonly base: string;
  readonly query: Record<string, string>;
  readonly fragment: Record<string, string>;
}

/** Splits a redirect to the client into its parts. */
export function clientRedirectOf(location: string): ClientRedirect {
  const url = new URL(location);
  return {
    base: `${url.origin}${url.pathname}`,
    query: parametersOf(url.search),
    fragment: parametersOf(url.hash.slice(1)),
  };
}

/**
 * A 302 redirect of the user agent (RFC 6749 §4.1.2, §4.1.2.1, §4.2.2): never cached, to exactly
 * `redirectUri`, with exactly `query` in the query and `fragment` in the fragment.
 */
export function expectClientRedirect(
  response: Response,
  expected: {
    redirectUri: string;
    query?: Record<string, unknown>;
    fragment?: Record<string, unknown>;
  },
): ClientRedirect {
  expect({
    status: response.status,
    cacheControl: headerOf(response, 'Cache-Control'),
    pragma: headerOf(response, 'Pragma'),
  }).toEqual({ status: 302, cacheControl: 'no-store', pragma: 'no-cache' });
  const redirect = clientRedirectOf(headerOf(response, 'Location') ?? '');
  expect(redirect).toEqual({
    base: expected.redirectUri,
    query: expected.query ?? {},
    fragment: expected.fragment ?? {},
  });
  return redirect;
}
