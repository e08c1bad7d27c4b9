/**
 * RFC 6749 §2.1 client profiles: a `web` application is confidential (it keeps a secret on its
 * server); a `user-agent` (browser) application and a `native` application are public.
 * @publicApi
 */
export type ClientType = 'web' | 'user-agent' | 'native';

/**
 * How a client came to be known: registered by the application (`ClientService.create()`),
 * registered by itself at the RFC 7591 registration endpoint, or described by the Client ID
 * Metadata Document its `https` client id points at.
 * @publicApi
 */
export type ClientOrigin = 'operator' | 'dynamic' | 'metadata-document';

/**
 * A registered client, as `ClientService` returns it. It never holds the secret.
 * @publicApi
 */
export interface OAuthClient {
  /** The client identifier (RFC 6749 §2.2): random, URL-safe, 128 bits. */
  readonly id: string;
  /** The client's type; `web` clients are confidential. */
  readonly clientType: ClientType;
  /** Whether the client authenticates with a secret (RFC 6749 §2.1). */
  readonly isConfidential: boolean;
  /** The registered redirection URIs; an authorization request must name one of them exactly. */
  readonly redirectUrls: readonly string[];
  /** Extra attributes, all stored as strings and searchable like tags with `ClientService.find()`. */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * The scopes this client may ask for, on every grant; `null`: any scope the server issues.
   * A request for more is refused with `invalid_scope` (RFC 6749 §3.3, §10.3).
   */
  readonly scopes: readonly string[] | null;
  /**
   * Whether the client is a resource server, which may introspect the tokens of every client
   * under the default `introspectionPolicy` (RFC 7662 §4).
   */
  readonly resourceServer: boolean;
  /** When the client was registered. */
  readonly createdAt: Date;
  /** How the client came to be known; self-registered clients are `dynamic`. */
  readonly origin: ClientOrigin;
}

/**
 * A client just registered (or whose secret was just rotated): the only time the secret of a
 * confidential client is readable, as oauthist stores nothing but its hash.
 * @publicApi
 */
export interface RegisteredClient extends OAuthClient {
  /** The client secret of a `web` client; `undefined` for public clients. */
  readonly secret?: string;
}

/**
 * A value of an extra attribute. Numbers and booleans are stored as their string form.
 * @publicApi
 */
export type AttributeValue = string | number | boolean;

/**
 * What `ClientService.create()` takes.
 * @publicApi
 */
export interface CreateClientInput {
  /** `web` (confidential, gets a secret), `user-agent` or `native` (public). */
  clientType: ClientType;
  /** Absolute redirection URIs without fragment (RFC 6749 §3.1.2); at least one. */
  redirectUrls: readonly string[];
  /** Extra attributes (name, owner, ...), readable on the client and searchable like tags. */
  attributes?: Readonly<Record<string, AttributeValue>>;
  /**
   * The scopes the client may ask for, each one the server issues; omitted: any of them.
   * Recommended for every client that can use the client credentials grant.
   */
  scopes?: readonly string[];
  /** Registers a resource server, which may introspect other clients' tokens. Default false. */
  resourceServer?: boolean;
}

/**
 * What `ClientService.update()` takes: only what is given changes.
 * @publicApi
 */
export interface UpdateClientInput {
  /** Replaces the list of redirection URIs. */
  redirectUrls?: readonly string[];
  /** Sets these attributes; an attribute given as `null` is removed. */
  attributes?: Readonly<Record<string, AttributeValue | null>>;
  /** Replaces the scopes the client may ask for; `null` lets it ask for any. */
  scopes?: readonly string[] | null;
  /** Makes the client a resource server, or no longer one. */
  resourceServer?: boolean;
}

/**
 * What `ClientService.list()` takes.
 * @publicApi
 */
export interface ListClientsOptions {
  /** How many clients to skip, oldest first. Default 0. */
  offset?: number;
  /** How many clients to return at most. Default 100, at most 1000. */
  limit?: number;
}

/**
 * What `ClientService.purgeSelfRegistered()` takes.
 * @publicApi
 */
export interface PurgeSelfRegisteredOptions {
  /** Self-registered clients registered before this moment are deleted. */
  olderThan: Date;
}
