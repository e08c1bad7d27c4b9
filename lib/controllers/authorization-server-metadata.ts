import type { ResolvedOptions } from '../options/resolved-options';
import type { ResolvedRoutes } from './resolved-routes';

/**
 * RFC 8414 §2 authorization server metadata.
 * @publicApi
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  response_types_supported: string[];
  response_modes_supported: string[];
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  introspection_endpoint_auth_methods_supported: string[];
  code_challenge_methods_supported: string[];
  scopes_supported?: string[];
  authorization_response_iss_parameter_supported: boolean;
}

/** The metadata document of a server with these options and routes, under `issuer`. */
export function authorizationServerMetadata(
  issuer: string,
  routes: ResolvedRoutes,
  options: ResolvedOptions,
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
  };
}
