/** What is stored for one access token (never the token itself). */
export interface TokenRecord {
  /** `null` for a token issued by the password grant to an anonymous public client. */
  readonly clientId: string | null;
  readonly scope: string;
  readonly extras: Readonly<Record<string, string>>;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  /** Seconds since the epoch; `null`: never expires. */
  readonly expiresAt: number | null;
}

/** Now, in seconds since the epoch: the unit of every stored time. */
export function secondsNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** The value a revoked token's key holds until its tombstone expires. */
export const REVOKED = '0';

const VERSION = 1;

/**
 * The part of an encoded token that does not depend on when it is issued. An authorization
 * code stores it, so that the exchange script can write the token without parsing anything.
 */
export function tokenBody(
  clientId: string | null,
  scope: string,
  extras: Readonly<Record<string, string>>,
): string {
  return `${JSON.stringify(clientId)},${JSON.stringify(scope)},${JSON.stringify(extras)}`;
}

/** The encoded token is `head + body + tail`: a compact JSON array. */
export function tokenHead(issuedAt: number, expiresAt: number | null): string {
  return `[${VERSION},${issuedAt},${expiresAt ?? 0},`;
}

/** See `tokenHead()`. */
export const TOKEN_TAIL = ']';

/** Encodes a token record as it is stored. */
export function encodeToken(record: TokenRecord): string {
  return (
    tokenHead(record.issuedAt, record.expiresAt) +
    tokenBody(record.clientId, record.scope, record.extras) +
    TOKEN_TAIL
  );
}

/** Decodes a stored token; `null` when the value is not one (a newer format, a corrupted key). */
export function decodeToken(value: string): TokenRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed[0] !== VERSION || parsed.length !== 6) return null;
  const [, issuedAt, expiresAt, clientId, scope, extras] = parsed as [
    number,
    number,
    number,
    string | null,
    string,
    Record<string, string>,
  ];
  return { clientId, scope, extras, issuedAt, expiresAt: expiresAt === 0 ? null : expiresAt };
}
