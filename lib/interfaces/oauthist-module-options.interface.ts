import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { UserCredentialsVerifier } from '../credentials/user-credentials-verifier';

/**
 * Where oauthist keeps its data: an ioredis `Redis` or `Cluster` you created (oauthist never
 * closes it), or `RedisOptions` / a `redis://` URL (oauthist opens the connection and closes it
 * on application shutdown).
 * @publicApi
 */
export type OAuthistRedisOption = Redis | Cluster | RedisOptions | string;

/**
 * Options of `OAuthistModule.forRoot()` / `forRootAsync()`.
 * @publicApi
 */
export interface OAuthistModuleOptions {
  /** The Redis that holds clients, codes and tokens. */
  redis: OAuthistRedisOption;
  /** Prefix of every Redis key oauthist writes. Default `'oauthist'`; may not contain `{` or `}`. */
  prefix?: string;
  /** The scopes a client may ask for. Unset: any scope is accepted. */
  scopes?: readonly string[];
  /** Lifetime of an authorization code, in seconds. Default 3600. */
  authorizationCodeTtl?: number;
  /** Lifetime of an access token, in seconds; `null` (the default) means it never expires. */
  accessTokenTtl?: number | null;
  /**
   * Turns on the implicit grant (`response_type=token`, RFC 6749 §4.2). Off by default: OAuth
   * 2.1 drops it and RFC 9700 §2.1.2 advises the code flow with PKCE instead.
   */
  implicitGrant?: boolean;
  /** Accepts PKCE's `plain` method (RFC 7636 §4.2). Off by default: only `S256` is accepted. */
  allowPlainPkce?: boolean;
  /** Checks credentials for the password grant; without one, the grant is off. */
  passwordVerifier?: UserCredentialsVerifier;
}
