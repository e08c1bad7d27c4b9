import type { Cluster, Redis, RedisOptions } from 'ioredis';

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
}
