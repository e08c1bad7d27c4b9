const BASIC = /^basic /i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A client id and secret sent in an `Authorization: Basic` header (RFC 6749 §2.3.1).
 */
export interface BasicCredentials {
  readonly id: string;
  readonly secret: string;
}

/** Whether an `Authorization` header uses the Basic scheme (its name is case-insensitive). */
export function isBasicAuthorization(header: string | undefined): header is string {
  return header !== undefined && BASIC.test(header);
}

// RFC 6749 §2.3.1: id and secret are form-url-encoded before Basic encoding.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * The credentials of a Basic `Authorization` header; `null` when it is not well-formed base64
 * of `id:secret`, each form-url-encoded.
 */
export function parseBasicCredentials(header: string): BasicCredentials | null {
  const encoded = header.slice('basic '.length).trim();
  const decoded = BASE64.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return null;
  }
}
