/**
 * RFC 7662 §2.2 introspection response. An inactive token is `{ active: false }` and nothing else;
 * an active one carries its claims and its extra attributes.
 * @publicApi
 */
export type IntrospectionResponse = { active: false } | ActiveTokenIntrospection;

/**
 * The introspection of a live token.
 * @publicApi
 */
export interface ActiveTokenIntrospection {
  /** Always `true`. */
  active: true;
  /** The granted scope, space-delimited. */
  scope: string;
  /** The client the token was issued to (absent for an anonymous password grant). */
  client_id?: string;
  /** `Bearer` for an access token; `refresh_token` for a refresh token. */
  token_type: 'Bearer' | 'refresh_token';
  /**
   * When it expires, seconds since the epoch; absent when it never does. For a refresh token,
   * when its family ends.
   */
  exp?: number;
  /** When it was issued, seconds since the epoch; absent for a refresh token. */
  iat?: number;
  /** The user who granted it (the `userId` extra), when there is one. */
  sub?: string;
  /** The resources it is for (RFC 8707), when it has an audience. */
  aud?: string[];
  /** Extra attributes, under their own names unless a name above takes precedence. */
  [extra: string]: string | number | boolean | string[] | undefined;
}
