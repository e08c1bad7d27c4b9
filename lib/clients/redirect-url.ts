import { OAuthError } from '../errors';
import type { ClientType } from '../interfaces';

const MAX_LENGTH = 2048;

// Schemes that run code or read local data in the user agent: never a redirection target.
const DANGEROUS_SCHEMES = new Set([
  'javascript:',
  'data:',
  'vbscript:',
  'file:',
  'about:',
  'blob:',
]);

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function refuse(url: string, problem: string): never {
  throw new OAuthError('invalid_redirect_uri', `${JSON.stringify(url)} ${problem}`);
}

/**
 * Checks a redirection URI at registration time. Authorization requests later match the
 * registered string exactly (RFC 9700 §4.1.3), so what is checked here is what gets used.
 */
export function validateRedirectUrl(url: unknown, clientType: ClientType): string {
  if (typeof url !== 'string' || url.length === 0) {
    throw new OAuthError('invalid_redirect_uri', 'a redirect URL must be a non-empty string');
  }
  if (url.length > MAX_LENGTH) refuse(url.slice(0, 64), `is longer than ${MAX_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(url)) refuse(url, 'contains white space or control characters');
  // A URI is ASCII (RFC 3986 §2): raw UTF-8 cannot travel in a Location header, where Node
  // refuses it and the redirect fails with a 500 or, on Fastify, never answers.
  if (/[^\x20-\x7e]/.test(url)) {
    refuse(url, 'has characters outside ASCII: register its URI form, punycode and %-encoded');
  }
  if (url.includes('#')) refuse(url, 'must not include a fragment (RFC 6749 §3.1.2)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuse(url, 'is not an absolute URI (RFC 6749 §3.1.2)');
  }
  // What is registered is sent raw in Location and compared as a string, so it must read the
  // same to every parser on the way: only the form the WHATWG parser writes it in is taken.
  // `https://a.example\@b.example/` (a backslash the WHATWG parser reads as a slash, where an
  // RFC 3986 parser may take b.example for the host) and `https:a.example` (no //, which Node's
  // legacy parser reads without a host) name hosts differently to different parsers; their
  // canonical forms do not.
  if (parsed.href !== url) {
    refuse(url, `is not written as it would be sent: register ${JSON.stringify(parsed.href)}`);
  }
  if (DANGEROUS_SCHEMES.has(parsed.protocol))
    refuse(url, `uses the forbidden scheme ${parsed.protocol}`);
  if (parsed.username || parsed.password) refuse(url, 'must not contain credentials');
  if (parsed.protocol === 'https:') return url;
  if (parsed.protocol === 'http:') {
    if (isLoopback(parsed.hostname)) return url;
    refuse(
      url,
      'uses plain http, which is allowed only for loopback hosts (RFC 9700 §2.1, RFC 8252 §7.3)',
    );
  }
  if (clientType !== 'native') {
    refuse(url, 'uses a custom URI scheme, which only native clients may register (RFC 8252 §7.1)');
  }
  return url;
}
