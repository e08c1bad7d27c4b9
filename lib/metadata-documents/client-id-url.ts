import { MetadataDocumentError } from './metadata-document-error';

const MAX_LENGTH = 2048;

/** Host names that are loopback by definition (RFC 6761 §6.3, RFC 8252 §7.3). */
const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

function refuse(problem: string): never {
  throw new MetadataDocumentError('url', problem);
}

/** Whether `hostname` (as `URL.hostname` writes it) names this machine's loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname);
}

/**
 * Whether a `client_id` asks to be read as a Client ID Metadata Document: it starts with
 * `https://` (or, when loopback documents are allowed, `http://`). oauthist's own ids never
 * do (draft, Implementation Considerations), so such an id is never looked up in the registry.
 */
export function looksLikeClientIdUrl(clientId: string, allowLoopbackHttp: boolean): boolean {
  const lower = clientId.slice(0, 8).toLowerCase();
  return lower.startsWith('https://') || (allowLoopbackHttp && lower.startsWith('http://'));
}

/**
 * The Client Identifier URL `clientId`, checked as the draft's §3 asks: `https`, no userinfo,
 * a path without `.` or `..` segments, no fragment (a query and a port are allowed). With
 * `allowLoopbackHttp`, `http` is taken for a loopback host too. Throws `MetadataDocumentError`.
 *
 * The id must also be written as the WHATWG parser writes it: the document is fetched from the
 * parsed URL, and its `client_id` must equal both that URL and the id by simple string
 * comparison (§4), which only holds when the two are one string.
 */
export function parseClientIdUrl(clientId: string, allowLoopbackHttp: boolean): URL {
  if (clientId.length > MAX_LENGTH) refuse(`it is longer than ${MAX_LENGTH} characters`);
  if (/[^\x21-\x7e]/.test(clientId)) {
    refuse('it holds white space, control or non-ASCII characters');
  }
  if (clientId.includes('#')) refuse('it must not contain a fragment (CIMD §3)');
  const authorityEnd = clientId.indexOf('/', clientId.indexOf('//') + 2);
  if (authorityEnd < 0) refuse('it must contain a path (CIMD §3)');
  const path = clientId.slice(authorityEnd).split('?')[0];
  // The WHATWG parser takes %2e for a dot too, and would quietly resolve such segments away.
  if (path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) {
    refuse('its path must not contain . or .. segments (CIMD §3)');
  }
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    refuse('it is not a URL');
  }
  if (url.username !== '' || url.password !== '') {
    refuse('it must not contain a user name or password (CIMD §3)');
  }
  if (url.protocol === 'http:') {
    if (!allowLoopbackHttp || !isLoopbackHost(url.hostname)) {
      refuse('it must use https (CIMD §3)');
    }
  } else if (url.protocol !== 'https:') {
    refuse('it must use https (CIMD §3)');
  }
  if (url.href !== clientId) {
    refuse(`it is not written as it is fetched: use ${url.href} (CIMD §3, RFC 3986 section 6.2.1)`);
  }
  return url;
}
