import type { OAuthClient } from '../interfaces';

/**
 * One client a user granted access to, as `TokenService.listGrants()` lists it: what an
 * account page shows as a connected application.
 * @publicApi
 */
export interface UserGrant {
  /** The client's id. */
  readonly clientId: string;
  /**
   * The client; `null` only for a client known by its Client ID Metadata Document when that
   * document cannot be read now (its tokens may still work, so it is still listed).
   */
  readonly client: OAuthClient | null;
  /** Every scope the user granted it, on any token still live or by consent, each once. */
  readonly scopes: readonly string[];
  /**
   * The resources (RFC 8707) the user consented to at the authorization endpoint; `null`
   * stands for a consent that named none. Empty: no consent was asked (the password grant).
   */
  readonly resources: readonly (string | null)[];
  /** When the user first granted it anything, since the grant was last revoked. */
  readonly grantedAt: Date;
  /** When a token was last issued to it for the user. */
  readonly lastIssuedAt: Date;
}

/**
 * What `TokenService.listGrants()` takes.
 * @publicApi
 */
export interface ListGrantsOptions {
  /** The `next` of the previous page; absent for the first. */
  after?: string;
  /** How many grants to return at most. Default 100, at most 1000. */
  limit?: number;
}

/**
 * A page of a user's grants, in client id order.
 * @publicApi
 */
export interface UserGrantsPage {
  /** The grants of this page. */
  readonly grants: readonly UserGrant[];
  /** What to pass as `after` for the next page; `null` when this is the last. */
  readonly next: string | null;
}
