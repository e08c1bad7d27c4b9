import { createHash } from 'node:crypto';

/**
 * SHA-256 of `value`, base64url-encoded. Secrets are 256-bit random values, so a plain
 * (unsalted, fast) hash is enough to make a dump of Redis useless to an attacker: there is
 * nothing to guess.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
