/**
 * An incoming HTTP request as Express and Fastify both present it: the only shape of a request
 * that oauthist reads, so that the protocol code never depends on either framework.
 * @publicApi
 */
export interface HttpRequestLike {
  /** The HTTP method. */
  method?: string;
  /** The parsed query string. */
  query?: unknown;
  /** The parsed body (a form body parsed into an object). */
  body?: unknown;
  /** The request headers, names in lower case as Node gives them. */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The client's address as the framework works it out (Express and Fastify honour their
   * trust-proxy settings here); the brute-force protection counts failures per address.
   */
  ip?: string;
  /** The connection, whose peer address stands in when `ip` is missing. */
  socket?: { readonly remoteAddress?: string };
}
