import { sha256 } from '../crypto/sha256';

const LONG_SEGMENT = 96;

/**
 * Makes any string safe to embed in a key name. The mapping is injective, and its output never
 * holds `:`, `{`, `}`, `*`, `?`, `[`, `]` or white space, so a value can neither collide with
 * another value nor reach into another key or a cluster hash tag. Long values are hashed (the
 * `#` marker cannot start an escaped value, as `#` itself is escaped), which keeps keys short.
 */
export function keySegment(value: string): string {
  if (!value.isWellFormed()) {
    throw new TypeError('a key segment must be well-formed Unicode');
  }
  const escaped = encodeURIComponent(value).replace(
    /[!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return escaped.length > LONG_SEGMENT ? `#${sha256(value)}` : escaped;
}
