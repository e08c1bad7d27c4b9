import type { ResolvedOAuthistOptions } from '../options/resolved-options';
import type { ResolvedRoutes } from '../options/resolved-routes';

/**
 * RFC 8414 §2 authorization server metadata.
 * @publicApi
 */
export interface AuthorizationServerMetadata {
  /** The issuer identifier. */
  issuer: string;
  /** The authorization endpoint (RFC 6749 §3.1). */
  authorization_endpoint?: string;
  /** The token endpoint (RFC 6749 §3.2). */
  token_endpoint?: string;
  /** The revocation endpoint (RFC 7009). */
  revocation_endpoint?: string;
  /** The introspection endpoint (RFC 7662). */
  introspection_endpoint?: string;
  /** The dynamic client registration endpoint (RFC 7591 §3), when registration is on. */
  registration_endpoint?: string;
  /** The `response_type` values the authorization endpoint takes. */
  response_types_supported: string[];
  /** Where the authorization response parameters go. */
  response_modes_supported: string[];
  /** The grant types the token endpoint serves, `implicit` included when on. */
  grant_types_supported: string[];
  /** How clients authenticate at the token endpoint. */
  token_endpoint_auth_methods_supported: string[];
  /** How clients authenticate at the revocation endpoint. */
  revocation_endpoint_auth_methods_supported: string[];
  /** How clients authenticate at the introspection endpoint. */
  introspection_endpoint_auth_methods_supported: string[];
  /** The PKCE methods accepted (RFC 7636). */
  code_challenge_methods_supported: string[];
  /** The scopes a client may ask for; absent when any is accepted. */
  scopes_supported?: string[];
  /** Whether authorization responses carry `iss` (RFC 9207). */
  authorization_response_iss_parameter_supported: boolean;
  /**
   * `true` when a `client_id` may be the URL of an OAuth Client ID Metadata Document
   * (draft-ietf-oauth-client-id-metadata-document); absent when the option is off.
   */
  client_id_metadata_document_supported?: boolean;
}

/** The metadata document of a server with these options and routes, under `issuer`. */
export function authorizationServerMetadata(
  issuer: string,
  routes: ResolvedRoutes,
  options: ResolvedOAuthistOptions,
  grantTypes: readonly string[],
): AuthorizationServerMetadata {
  const at = (path: string | false): string | undefined =>
    path === false ? undefined : `${issuer}${path}`;
  // The implicit grant has no grant_type of its own, but RFC 8414 §2 lists it here.
  const supported = options.implicitGrant ? [...grantTypes, 'implicit'] : [...grantTypes];
  return {
    issuer,
    authorization_endpoint: at(routes.authorize),
    token_endpoint: at(routes.token),
    revocation_endpoint: at(routes.revoke),
    introspection_endpoint: at(routes.introspect),
    registration_endpoint: options.dynamicRegistration === null ? undefined : at(routes.register),
    response_types_supported: options.implicitGrant ? ['code', 'token'] : ['code'],
    response_modes_supported: options.implicitGrant ? ['query', 'fragment'] : ['query'],
    grant_types_supported: supported,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: [
      'client_secret_basic',
      'client_secret_post',
      'none',
    ],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: options.allowPlainPkce ? ['S256', 'plain'] : ['S256'],
    scopes_supported: options.scopes === null ? undefined : [...options.scopes],
    authorization_response_iss_parameter_supported: options.issuer !== null,
    client_id_metadata_document_supported:
      options.clientMetadataDocuments === null ? undefined : true,
  };
}
