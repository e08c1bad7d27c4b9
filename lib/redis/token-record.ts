import { sha256 } from '../crypto/sha256';
import { isScopeOrEmpty } from '../protocol/scope';

/**
 * How access tokens are stored. A grant (one user and one client) is one Redis hash: field `g`
 * says whose grant it is, and every token issued under it is one more field, named by the token's
 * digest. The grant's hash is at once the tokens' storage and the index `revokeGrant()` walks,
 * and a grant that holds a few tokens stays a listpack, the most compact encoding Redis has.
 * Values are kept short for the same reason: Redis converts a hash whose values grow past 64
 * bytes (`hash-max-listpack-value`) into a table that costs several times as much.
 */

/** What is stored for one access token (never the token itself). */
export interface TokenRecord {
  /** `null` for a token issued by the password grant to an anonymous public client. */
  readonly clientId: string | null;
  /** The user who granted it; absent for a client acting for itself. */
  readonly userId?: string;
  readonly scope: string;
  /** The extras, never the user (the grant's identity holds that). */
  readonly extras: Readonly<Record<string, string>>;
  /** The audience as stored: resource tags, space-separated; '' for none (RFC 8707). */
  readonly audience: string;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  /** Seconds since the epoch; `null`: never expires. */
  readonly expiresAt: number | null;
}

/** The field of a grant's hash that says whose grant it is (see `grantIdentity()`). */
export const IDENTITY_FIELD = 'g';

// Control characters can occur neither in a scope (RFC 6749 §3.3), nor in a client id
// (RFC 6749 appendix A.1), nor raw in JSON, so this one can separate all three.
const SEPARATOR = '\x1f';

/** Times are whole seconds in base 36: six characters where decimal takes ten. */
const TIME_RADIX = 36;

/** Now, in seconds since the epoch: the unit of every stored time. */
export function secondsNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * The field that holds a token in its grant's hash: the first 96 bits of the token's SHA-256,
 * base64url. Forging a token from a dump of Redis means finding a string whose hash starts with
 * those bits, 2^96 tries (divided by the tokens of that one grant, as the grant id must match
 * too), while the token itself keeps its 256 random bits. Sixteen characters rather than the
 * full 43 save 27 bytes per token, a seventh of what one costs.
 */
export function tokenField(token: string): string {
  return sha256(token).slice(0, 16);
}

/** Whether `clientId` can be stored: RFC 6749 appendix A.1 allows visible ASCII and spaces. */
export function isStorableClientId(clientId: string | null): boolean {
  return clientId === null || /^[\x20-\x7e]+$/.test(clientId);
}

/** The grant's `g` field: `<client id>`, then `␟<user id>` when a user granted it. */
export function grantIdentity(clientId: string | null, userId: string | undefined): string {
  const client = clientId ?? '';
  return userId === undefined ? client : client + SEPARATOR + userId;
}

function parseIdentity(identity: string): { clientId: string | null; userId?: string } {
  const separator = identity.indexOf(SEPARATOR);
  const client = separator < 0 ? identity : identity.slice(0, separator);
  const clientId = client === '' ? null : client;
  return separator < 0 ? { clientId } : { clientId, userId: identity.slice(separator + 1) };
}

/**
 * The part of a stored token that does not depend on when it is issued: its scope, its extras
 * but the user id (the grant's identity holds that), and its audience (the resources' tags,
 * RFC 8707): `<scope>[␟<extras>[␟<audience>]]`. An authorization code stores it, so that the
 * exchange script writes the token without parsing more than the audience.
 */
export function tokenBody(
  scope: string,
  extras: Readonly<Record<string, string>>,
  audience = '',
): string {
  if (!isScopeOrEmpty(scope))
    throw new TypeError('oauthist: a scope is visible ASCII but " and \\ (RFC 6749 §3.3)');
  const encoded = Object.keys(extras).length === 0 ? '' : JSON.stringify(extras);
  if (audience !== '') return scope + SEPARATOR + encoded + SEPARATOR + audience;
  return encoded === '' ? scope : scope + SEPARATOR + encoded;
}

/**
 * The part of a stored token that says when: `<issued at>␟<lifetime>␟`, the lifetime in seconds
 * and 0 for a token that never expires; with `family`, `<issued at>␟<lifetime>,<family>␟`, so
 * that ending the family finds the token. The stored token is `tokenHead() + tokenBody()`.
 */
export function tokenHead(issuedAt: number, expiresAt: number | null, family?: string): string {
  const lifetime = expiresAt === null ? 0 : expiresAt - issuedAt;
  const tag = family === undefined ? '' : `,${family}`;
  return (
    issuedAt.toString(TIME_RADIX) + SEPARATOR + lifetime.toString(TIME_RADIX) + tag + SEPARATOR
  );
}

/**
 * The field of a grant's hash that holds a refresh-token family's record: `~` and the family
 * id, which no token field (base64url) can be.
 */
export function familyField(familyId: string): string {
  return `~${familyId}`;
}

/** A refresh-token family's record read back (see `decodeFamily()`). */
export interface FamilyRecord {
  readonly clientId: string | null;
  readonly userId?: string;
  /** What the user granted; each refresh may narrow it for its access token. */
  readonly scope: string;
  readonly extras: Readonly<Record<string, string>>;
  /** The audience the user granted, as stored (see `TokenRecord.audience`). */
  readonly audience: string;
  /** When the family stops being usable: its absolute end, or sooner when left idle. */
  readonly endsAt: number;
  /** The field of its refresh token. */
  readonly current: string;
  /** The field of the refresh token it replaced, and when; for the retry window. */
  readonly previous: string | null;
  readonly rotatedAt: number | null;
}

/**
 * Decodes a family's record and its grant's identity, as the scripts write it (grant.lua's
 * `encodeFamily`): `<expires at>␟<idle until>␟<current>␟<previous>␟<rotated at>␟<body>`.
 * `null` for nothing usable.
 */
export function decodeFamily(value: string | null, identity: string | null): FamilyRecord | null {
  if (value === null || identity === null) return null;
  const parts = value.split(SEPARATOR);
  if (parts.length < 6) return null;
  const [expires, idle, current, previous, rotated] = parts;
  const expiresAt = base36(expires);
  const idleUntil = idle === '' ? null : base36(idle);
  const rotatedAt = rotated === '' ? null : base36(rotated);
  if (expiresAt === null || (idle !== '' && idleUntil === null) || current === '') return null;
  const body = decodeBody(parts.slice(5).join(SEPARATOR));
  if (body === null) return null;
  const { clientId, userId } = parseIdentity(identity);
  return {
    clientId,
    userId,
    ...body,
    endsAt: idleUntil !== null && idleUntil < expiresAt ? idleUntil : expiresAt,
    current,
    previous: previous === '' ? null : previous,
    rotatedAt,
  };
}

/** A token body (see `tokenBody()`) read back; `null` when it is malformed. */
function decodeBody(
  body: string,
): { scope: string; extras: Record<string, string>; audience: string } | null {
  const parts = body.split(SEPARATOR);
  const [scope, extras = '', audience = ''] = parts;
  // Each part but the scope is written only when it holds something, or to make room for the
  // audience: an empty one at the end, or a fourth, is no body tokenBody() writes.
  if (parts.length > 3 || (parts.length > 1 && parts[parts.length - 1] === '')) return null;
  if (!/^[\w -]*$/.test(audience)) return null;
  if (extras === '') return { scope, extras: {}, audience };
  try {
    return { scope, extras: JSON.parse(extras) as Record<string, string>, audience };
  } catch {
    return null;
  }
}

/**
 * What a revoked token's field holds: `-` and until when it is reported as revoked rather than
 * unknown. The scripts prune it after that.
 */
export function tombstone(until: number): string {
  return '-' + until.toString(TIME_RADIX);
}

// As strict as the scripts' `%w+`: parseInt alone would take "12x" or " 12" for 12.
const BASE36 = /^[0-9a-z]+$/;

function base36(digits: string): number | null {
  return BASE36.test(digits) ? parseInt(digits, TIME_RADIX) : null;
}

/** A stored token read back: the record, `'revoked'`, or `null` for nothing usable. */
export type StoredToken = TokenRecord | 'revoked' | null;

/**
 * Decodes a token's field and its grant's identity; `null` when there is no token, or the value
 * is not one (a newer format, a corrupted key).
 */
export function decodeToken(
  value: string | null,
  identity: string | null,
  now: number,
): StoredToken {
  if (value === null || identity === null) return null;
  if (value.charCodeAt(0) === 0x2d /* - */) {
    const until = base36(value.slice(1));
    return until !== null && until > now ? 'revoked' : null;
  }
  const first = value.indexOf(SEPARATOR);
  const second = value.indexOf(SEPARATOR, first + 1);
  if (first < 1 || second < 0) return null;
  const issuedAt = base36(value.slice(0, first));
  // A token of a refresh-token family carries its tag after the lifetime.
  const lifetime = base36(value.slice(first + 1, second).replace(/,[\w-]+$/, ''));
  if (issuedAt === null || lifetime === null) return null;
  const body = decodeBody(value.slice(second + 1));
  if (body === null) return null;
  const { clientId, userId } = parseIdentity(identity);
  return {
    clientId,
    userId,
    ...body,
    issuedAt,
    expiresAt: lifetime === 0 ? null : issuedAt + lifetime,
  };
}
