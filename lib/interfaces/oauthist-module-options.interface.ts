import type { ConfigurableModuleAsyncOptions, Provider } from '@nestjs/common';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { OAuthClient } from './oauth-client.interface';

/**
 * One node of a Redis Cluster.
 * @publicApi
 */
export interface OAuthistClusterNode {
  /** Host name or address. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/**
 * A Redis Cluster for oauthist to connect to and close on application shutdown.
 *
 * @example
 * ```ts
 * OAuthistModule.forRoot({
 *   redis: { clusterNodes: [{ host: '10.0.0.1', port: 6379 }, { host: '10.0.0.2', port: 6379 }] },
 * });
 * ```
 * @publicApi
 */
export interface OAuthistRedisClusterOptions {
  /**
   * Nodes to start from; one reachable master or replica is enough, as ioredis learns the rest
   * of the cluster from it. Listing more keeps start-up working while one of them is down.
   */
  readonly clusterNodes: readonly OAuthistClusterNode[];
  /**
   * Passed to the ioredis `Cluster`. Its `redisOptions` (the options of each node's connection)
   * default to oauthist's `commandTimeout` and `maxRetriesPerRequest: 1`; what you set wins.
   */
  readonly clusterOptions?: ClusterOptions;
}

/**
 * Where oauthist keeps its data: an ioredis `Redis` or `Cluster` you created (oauthist never
 * closes it), or `RedisOptions`, a `redis://` URL or `{ clusterNodes }` (oauthist opens the
 * connection and closes it on application shutdown).
 * @publicApi
 */
export type OAuthistRedisOption =
  Redis | Cluster | RedisOptions | OAuthistRedisClusterOptions | string;

/**
 * Options of `OAuthistModule.forRoot()` / `forRootAsync()`.
 * @publicApi
 */
export interface OAuthistModuleOptions {
  /**
   * The Redis that holds clients, codes and tokens: a URL, `RedisOptions`, `{ clusterNodes }`
   * for a Redis Cluster, or an ioredis `Redis` / `Cluster` instance.
   */
  redis: OAuthistRedisOption;
  /** Prefix of every Redis key oauthist writes. Default `'oauthist'`; may not contain `{` or `}`. */
  prefix?: string;
  /** The scopes a client may ask for. Unset: any scope is accepted. */
  scopes?: readonly string[];
  /** Lifetime of an authorization code, in seconds. Default 3600. */
  authorizationCodeTtl?: number;
  /**
   * How long an authorization request waits for the user's answer, in seconds. Default 600:
   * anyone can start a request, so it should not occupy Redis for long.
   */
  pendingAuthorizationTtl?: number;
  /**
   * How many authorization requests one source address (an IPv6 address's /64) may start at
   * the built-in authorization endpoint within `pendingAuthorizationTtl`; one more is sent
   * back to the client with `temporarily_unavailable` (RFC 6749 §4.1.2.1). Each is kept that
   * long whether or not anyone signs in, so this bounds what one source can make Redis hold.
   * Default 60; `false`: no limit.
   */
  pendingAuthorizationsPerSource?: number | false;
  /** Lifetime of an access token, in seconds; `null` (the default) means it never expires. */
  accessTokenTtl?: number | null;
  /**
   * Turns on refresh tokens (RFC 6749 §6): the authorization code and password grants (and a
   * grant type of the application that asks) then return a `refresh_token`, and the token
   * endpoint takes the `refresh_token` grant. Off by default.
   */
  refreshTokens?: OAuthistRefreshTokenOptions | false;
  /**
   * The resource identifiers this server issues tokens for (RFC 8707): absolute URIs without a
   * fragment, such as `https://api.example.com/mcp`, or paths such as `/mcp`, which name that
   * path under the `issuer`. A request's `resource` parameters must
   * name some of them (else `invalid_target`), and the token's audience is what they name.
   * Unset: no `resource` is accepted and tokens have no audience.
   */
  resources?: string[];
  /**
   * The audience of a token whose request names no `resource`: some of `resources`. Unset: such
   * a token has no audience, and only routes that accept unrestricted tokens take it.
   */
  defaultResources?: string[];
  /**
   * Which authenticated client the introspection endpoint tells about which token (RFC 7662
   * §4: a token's claims, its user among them, are not every client's to read). A client the
   * policy refuses is answered `{ "active": false }`. Default: the token's own client, and
   * clients registered with `resourceServer: true`.
   */
  introspectionPolicy?: IntrospectionPolicy;
  /**
   * Lets a user's earlier consent answer a new authorization request by itself: when the
   * signed-in user already allowed the client the requested scopes and resources (or more),
   * and its grant still holds a live token, the request is accepted without asking, unless it
   * says `prompt=consent` (or `login`, `select_account`, `create`, which need a page). It
   * applies where the user is known: at the authorization endpoint with a
   * `SignedInUserResolver`, and in `PendingAuthorization.answerWithoutPage()`. Default false:
   * every request is put to the user. Revoking the grant forgets the consent.
   */
  rememberConsent?: boolean;
  /**
   * Turns on the implicit grant (`response_type=token`, RFC 6749 §4.2). Off by default: OAuth
   * 2.1 drops it and RFC 9700 §2.1.2 advises the code flow with PKCE instead.
   */
  implicitGrant?: boolean;
  /**
   * Lets the token endpoint take a password grant from no client at all, as the manual allowed.
   * Off by default: RFC 6749 §4.3.2 has the client authenticate (a public client names itself
   * with `client_id`), and RFC 9700 §2.4 advises against the grant altogether. The manual's
   * flags (`clientRequired`, `clientSecretRequired`) still decide for a request the application
   * builds itself with `GrantService.passwordExchangeRequest()`.
   */
  passwordGrantWithoutClient?: boolean;
  /** Accepts PKCE's `plain` method (RFC 7636 §4.2). Off by default: only `S256` is accepted. */
  allowPlainPkce?: boolean;
  /**
   * The issuer identifier (RFC 8414 §2): an https URL (http only for loopback hosts) without
   * query or fragment. It names the endpoints in the metadata and is added as `iss` to
   * authorization responses (RFC 9207). Unset: the metadata takes it from the request's Host.
   */
  issuer?: string;
  /**
   * Where the authorization endpoint sends the user with a good request: the application's
   * sign-in and consent page, which receives `request_id` (the pending request's id) in its
   * query. A path or an absolute URL. Default `/consent`.
   */
  consentUrl?: string;
  /** Accept a bearer token in a form-encoded body (RFC 6750 §2.2). Default true. */
  bearerTokenInBody?: boolean;
  /**
   * Accept a bearer token in the query string (RFC 6750 §2.3). Default false: RFC 6750 §2.3 and
   * RFC 9700 §4.3.2 advise against it, as URLs end up in logs and histories.
   */
  bearerTokenInQuery?: boolean;
  /** The `realm` of `WWW-Authenticate: Bearer` challenges (RFC 6750 §3). Default `oauthist`. */
  realm?: string;
  /**
   * Milliseconds a Redis command may take before it fails (the endpoints then answer 503).
   * Applies to a connection oauthist opens; set `commandTimeout` yourself on an ioredis instance
   * you pass in. Default 2000.
   */
  commandTimeout?: number;
  /**
   * Brute-force protection (RFC 6749 §10.10): failed client authentications per client id and
   * failed password grants per username are counted over a sliding window, and past the limit
   * the endpoints answer 429 with `Retry-After`. On by default; `false` turns it off.
   */
  bruteForce?: OAuthistBruteForceOptions | false;
  /**
   * Keeps the clients that authenticate at the token endpoint in process, for as long as Redis
   * promises to report a change to them (server-assisted client-side caching,
   * `CLIENT TRACKING`): a known client then authenticates without a round trip. Whenever the promise
   * is in doubt (the connection that receives the reports drops or reconnects, a Cluster's
   * slot map changes) the cache is emptied and Redis is read until the promise holds again.
   * A change made elsewhere takes effect after the invalidation delay, under a millisecond at
   * the median on loopback. On by default; `false` turns it off, `{ maxEntries, maxAgeSeconds }`
   * sizes it.
   */
  clientCache?: OAuthistCacheOptions | boolean;
  /**
   * Keeps verified access tokens in process, dropped as soon as Redis reports that their grant
   * changed (a revocation, a replayed code, a reused refresh token, a new token in the grant),
   * when they expire, or when the report channel is in doubt (see `clientCache`): a
   * verification then costs no round trip. The trade-off: a revocation made in another process
   * takes effect here after the invalidation delay rather than at once. Off by default; `true`
   * turns it on with the defaults, `{ maxEntries, maxAgeSeconds }` sizes it.
   */
  tokenCache?: OAuthistCacheOptions | boolean;
  /**
   * Turns on dynamic client registration (RFC 7591) at `routes.register`: clients register
   * themselves, openly or with an initial access token, under a rate limit per source address.
   * Off by default (`false`): the route answers 404.
   */
  dynamicRegistration?: OAuthistDynamicRegistrationOptions | false;
  /**
   * Reads a `client_id` that is an `https` URL as an OAuth Client ID Metadata Document
   * (draft-ietf-oauth-client-id-metadata-document): the client is whatever the document at that
   * URL says, without registration. Only public clients (`token_endpoint_auth_method: "none"`)
   * are accepted, and the fetch refuses every special-use address (RFC 6890). `true` turns it on
   * with the defaults. Off by default: fetching URLs that anyone names is a deliberate choice.
   */
  clientMetadataDocuments?: OAuthistClientMetadataDocumentOptions | boolean;
}

/**
 * Checks an initial access token (RFC 7591 §3) presented as `Authorization: Bearer <token>`:
 * true lets the registration through.
 * @publicApi
 */
export type InitialAccessTokenVerifier = (token: string) => boolean | Promise<boolean>;

/**
 * The grant types a self-registered client may register (RFC 7591 §2). The password grant is
 * not among them: RFC 9700 §2.4 forbids it, and a client that registers itself is a third party.
 * @publicApi
 */
export type RegistrableGrantType =
  'authorization_code' | 'implicit' | 'refresh_token' | 'client_credentials';

/**
 * How dynamic client registration (RFC 7591) is run.
 * @publicApi
 */
export interface OAuthistDynamicRegistrationOptions {
  /**
   * Guards registration with an initial access token (RFC 7591 §3): a list of tokens (each at
   * least 16 characters of RFC 6750 §2.1 `b64token`, compared in constant time), or a function
   * that checks one. Unset: registration is open to anyone.
   */
  initialAccessToken?: readonly string[] | InitialAccessTokenVerifier;
  /**
   * Registrations one source address (an IPv6 address's /64) may make per window; past it the
   * endpoint answers 429 with `Retry-After`. Default 20 per 3600 s; `false`: no limit.
   */
  rateLimit?: OAuthistRegistrationRateLimit | false;
  /**
   * The scopes a self-registered client may register, each one the server issues; a client
   * that names no `scope` gets all of them. Unset: any scope the server issues.
   */
  scopes?: readonly string[];
  /**
   * The grant types a self-registered client may register. Default `authorization_code`,
   * `implicit` and `refresh_token` (each only while the server serves it): every grant that
   * needs a user's consent. Add `client_credentials` only if a token that no user granted is
   * safe to hand anyone who registers.
   */
  grantTypes?: readonly RegistrableGrantType[];
}

/**
 * The rate limit of dynamic client registration, per source address.
 * @publicApi
 */
export interface OAuthistRegistrationRateLimit {
  /** Registrations per source within the window. Default 20. */
  maxPerSource?: number;
  /** The sliding window, in seconds. Default 3600. */
  windowSeconds?: number;
}

/**
 * How Client ID Metadata Documents are fetched and cached.
 * @publicApi
 */
export interface OAuthistClientMetadataDocumentOptions {
  /**
   * Also fetches documents from `http://localhost`, `http://127.0.0.1` (any of 127/8) and
   * `http://[::1]` URLs, and lets loopback addresses, and only those, through the address
   * check. For local testing only: in production it lets anyone make the server call services
   * on its own loopback interface. Default false.
   */
  allowLoopbackHttp?: boolean;
  /** Milliseconds the whole fetch (connection, TLS, answer) may take. Default 5000, at most 60000. */
  timeoutMs?: number;
  /**
   * Bytes of a document read at most; a larger one is refused. Default 5120, the 5 KiB the
   * draft recommends; at most 1 MiB.
   */
  maxDocumentBytes?: number;
  /**
   * Seconds a document is kept at least, whatever its `Cache-Control: max-age` says (a
   * `no-store` document is never kept). Default 300.
   */
  minCacheSeconds?: number;
  /** Seconds a document is kept at most. Default 86400 (one day). */
  maxCacheSeconds?: number;
  /** Seconds a document without `max-age` is kept, within the bounds. Default 3600. */
  defaultCacheSeconds?: number;
  /**
   * Seconds a failed fetch or an invalid document is remembered, so that one bad `client_id`
   * cannot make the server fetch on every request. Default 60; 0 fetches again every time.
   */
  failureCacheSeconds?: number;
}

/**
 * How refresh tokens live (RFC 6749 §6, RFC 9700 §4.14). Every authorization (a consent, or
 * one password grant) starts a family: one refresh token at a time, and the access tokens
 * issued from it.
 * @publicApi
 */
export interface OAuthistRefreshTokenOptions {
  /**
   * Seconds a family lives, counted from the user's consent (or the password grant): rotation
   * renews the refresh token, never the family, so no authorization outlives this.
   */
  ttl: number;
  /** Seconds a family may go unused before it ends, at most `ttl`. Unset: only `ttl` ends it. */
  idleTtl?: number;
  /**
   * `'every-client'` (the default): each refresh returns a new refresh token and retires the
   * one presented. `'public-clients'`: a confidential client keeps its refresh token, which its
   * authentication binds to it (RFC 9700 §4.14.2); a public client's always rotates.
   */
  rotation?: 'every-client' | 'public-clients';
  /**
   * Seconds after a rotation in which the retired refresh token may be presented again, by a
   * client that lost the answer, for a fresh pair, without counting as reuse. Default 0; at
   * most 300.
   */
  reuseGraceSeconds?: number;
}

/**
 * Limits of the brute-force protection, shared by every app instance on the same prefix.
 * @publicApi
 */
export interface OAuthistBruteForceOptions {
  /**
   * Failed attempts at one client id, or one username, from one source address (an IPv6
   * address's /64) within the window. Default 10.
   */
  maxFailures?: number;
  /**
   * Failed attempts at one username from every source together within the window: what bounds
   * the guessing of a password from many addresses. At least `maxFailures`. Default 100.
   */
  maxFailuresPerUsername?: number;
  /** The sliding window, in seconds. Default 300. */
  windowSeconds?: number;
}

/**
 * The size of an in-process cache kept true by Redis (`clientCache`, `tokenCache`).
 * @publicApi
 */
export interface OAuthistCacheOptions {
  /** The entries it holds at most; the least recently used go first. Default 10,000. */
  maxEntries?: number;
  /**
   * The longest an entry is kept, in seconds, whatever Redis reports: a bound on what an
   * unforeseen failure of the reports could cost. Default 300.
   */
  maxAgeSeconds?: number;
}

/**
 * Paths of the endpoints oauthist serves; `false` leaves an endpoint out (to write your own on
 * `GrantService` and `TokenService`).
 * @publicApi
 */
export interface OAuthistRoutes {
  /** Default `/oauth/authorize` (RFC 6749 §3.1). */
  authorize?: string | false;
  /** Default `/oauth/token` (RFC 6749 §3.2). */
  token?: string | false;
  /** Default `/oauth/revoke` (RFC 7009). */
  revoke?: string | false;
  /** Default `/oauth/introspect` (RFC 7662). */
  introspect?: string | false;
  /** Default `/.well-known/oauth-authorization-server` (RFC 8414). */
  metadata?: string | false;
  /**
   * Default `/.well-known/oauth-protected-resource` (RFC 9728): the metadata of each of the
   * `resources`, at this path followed by the resource's own path.
   */
  protectedResourceMetadata?: string | false;
  /**
   * Default `/oauth/register` (RFC 7591 §3): dynamic client registration, served when the
   * `dynamicRegistration` option turns it on.
   */
  register?: string | false;
}

/**
 * What `OAuthistModule` takes beside its options, known when the module is defined (before any
 * asynchronous option).
 * @publicApi
 */
export interface OAuthistModuleExtras {
  /** Makes the services injectable in every module. Default false. */
  isGlobal?: boolean;
  /** Providers added to the module's own, e.g. `{ provide: UserCredentialsVerifier, ... }`. */
  extraProviders?: Provider[];
  /** The endpoints' paths, or `false` to leave one out; decorators need them up front. */
  routes?: OAuthistRoutes;
}

/**
 * What `OAuthistModule.forRoot()` takes: the options and the extras.
 * @publicApi
 */
export type OAuthistModuleRootOptions = OAuthistModuleOptions & OAuthistModuleExtras;

/**
 * Whether `caller`, an authenticated client, may read the introspection of `token`.
 * @publicApi
 */
export type IntrospectionPolicy = (
  caller: OAuthClient,
  token: {
    /** The client the token was issued to; `null` for none. */
    readonly clientId: string | null;
    /** The user who granted it, if any. */
    readonly userId?: string;
    /** Its scopes. */
    readonly scopes: readonly string[];
  },
) => boolean;

/**
 * What `OAuthistModule.forRootAsync()` takes: `imports`, `inject` and `useFactory` (or
 * `useClass` / `useExisting`) for the options, and the extras.
 * @publicApi
 */
export type OAuthistModuleAsyncOptions = ConfigurableModuleAsyncOptions<OAuthistModuleOptions> &
  OAuthistModuleExtras;
