import type { TokenRecord } from '../redis/token-record';
import type { ResourceIndicators } from '../resources/resource-indicators';

/**
 * A live access token as a protected route sees it: who it was issued to, for which scopes,
 * and the extra attributes copied from its code or from the password check (`userId`, ...).
 * @publicApi
 */
export class AccessToken {
  /** The scopes granted, in the order they were asked for. */
  readonly scopes: readonly string[];

  constructor(
    /** The client the token was issued to; `null` for an anonymous password grant. */
    readonly clientId: string | null,
    /** The granted scope, space-delimited as on the wire (RFC 6749 §3.3). */
    readonly scope: string,
    /** Extra attributes: those saved with the code, or returned by the password check, but the user. */
    readonly extras: Readonly<Record<string, string>>,
    /** When it was issued. */
    readonly issuedAt: Date,
    /** When it expires; `null` when it never does. */
    readonly expiresAt: Date | null,
    /** The user who granted it (`userId`, or the manual's `user_id`); absent for a client's own token. */
    readonly userId?: string,
    /**
     * The resources it is for (RFC 8707), as the `resources` option names them; `null` for a
     * token with no audience, which any route accepting unrestricted tokens takes. Empty for a
     * token whose resources this server no longer serves: no route takes it.
     */
    readonly audience: readonly string[] | null = null,
  ) {
    this.scopes = scope === '' ? [] : scope.split(' ');
  }

  /** Whether the token holds at least one of `scopes`; with none given, always true. */
  hasAnyScope(...scopes: string[]): boolean {
    return scopes.length === 0 || scopes.some((scope) => this.scopes.includes(scope));
  }

  /** Whether the token is for `resource` (RFC 8707); a token with no audience is for none. */
  isFor(resource: string): boolean {
    return this.audience !== null && this.audience.includes(resource);
  }

  /** @internal */
  static fromRecord(record: TokenRecord, resources: ResourceIndicators | null): AccessToken {
    const audience = record.audience === '' ? null : (resources?.decode(record.audience) ?? []);
    // Frozen: with the token cache on, one object answers many requests.
    return new AccessToken(
      record.clientId,
      record.scope,
      Object.freeze(record.extras),
      new Date(record.issuedAt * 1000),
      record.expiresAt === null ? null : new Date(record.expiresAt * 1000),
      record.userId,
      audience === null ? null : Object.freeze(audience),
    );
  }
}
