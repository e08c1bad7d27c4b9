import { createHash } from 'node:crypto';

/** PKCE code challenge methods (RFC 7636 §4.2). */
export type CodeChallengeMethod = 'S256' | 'plain';

/** RFC 7636 §4.1: code-verifier = 43*128unreserved. The same grammar bounds a plain challenge. */
export const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** An S256 challenge is the base64url SHA-256 of the verifier: always 43 characters. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), RFC 7636 §4.2. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
