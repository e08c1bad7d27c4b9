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
}
