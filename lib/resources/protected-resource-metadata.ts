/**
 * The protected resource metadata of one resource (RFC 9728 §2): where a client learns, from
 * the resource alone, which authorization server issues its tokens and how to send them.
 * @publicApi
 */
export interface ProtectedResourceMetadataDocument {
  /** The resource identifier, as the `resources` option names it. */
  resource: string;
  /** The issuer identifiers of the authorization servers it takes tokens from. */
  authorization_servers: string[];
  /** The scopes a token may hold; absent when any scope is accepted. */
  scopes_supported?: string[];
  /** How a bearer token may travel (RFC 6750 §2): header, body, query. */
  bearer_methods_supported: string[];
}

/**
 * The path under which `resource`'s metadata is served (RFC 9728 §3.1): the well-known path,
 * then the resource's own path without a terminating slash. `null` for a resource whose
 * metadata cannot live at this path: not an http(s) URL, or one with a query.
 */
export function metadataPathOf(resource: string, wellKnownPath: string): string | null {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '') return null;
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return wellKnownPath + path;
}

/** The absolute URL of `resource`'s metadata, for `resource_metadata` (RFC 9728 §5.1). */
export function metadataUrlOf(resource: string, wellKnownPath: string): string | null {
  const path = metadataPathOf(resource, wellKnownPath);
  return path === null ? null : new URL(resource).origin + path;
}

/** The metadata document of `resource`, whose tokens `issuer` issues. */
export function protectedResourceMetadata(
  resource: string,
  issuer: string,
  options: {
    readonly scopes: ReadonlySet<string> | null;
    readonly bearerTokenInBody: boolean;
    readonly bearerTokenInQuery: boolean;
  },
): ProtectedResourceMetadataDocument {
  const methods = ['header'];
  if (options.bearerTokenInBody) methods.push('body');
  if (options.bearerTokenInQuery) methods.push('query');
  return {
    resource,
    authorization_servers: [issuer],
    ...(options.scopes === null ? {} : { scopes_supported: [...options.scopes] }),
    bearer_methods_supported: methods,
  };
}
