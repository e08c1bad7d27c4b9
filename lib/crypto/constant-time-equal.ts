import { timingSafeEqual } from 'node:crypto';
import { sha256Digest } from './sha256';

/**
 * Compares two strings in time that depends on neither their content nor their length:
 * both sides are hashed first, so `timingSafeEqual` always sees 32 bytes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256Digest(a), sha256Digest(b));
}
