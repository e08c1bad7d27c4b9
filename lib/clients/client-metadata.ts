import { OAuthError } from '../errors';
import type { ClientType } from '../interfaces';

/** The `token_endpoint_auth_method` values oauthist serves (RFC 7591 §2). */
export const SUPPORTED_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'none',
] as const;

/** What a client's metadata (RFC 7591 §2) says about its type. */
export interface ClientTypeMetadata {
  readonly token_endpoint_auth_method?: unknown;
  readonly application_type?: unknown;
}

/**
 * The client type that RFC 7591 §2 metadata describes, shared by dynamic registration and Client
 * ID Metadata Documents so that both read a document the same way. A client that authenticates
 * with a secret is `web` (confidential); one that does not (`none`) is `native` when its
 * `application_type` (OpenID Connect Dynamic Client Registration §2) says so, else
 * `user-agent`. RFC 7591 §2 makes `client_secret_basic` the default method.
 */
export function clientTypeFromMetadata(metadata: ClientTypeMetadata): ClientType {
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  const application = metadata.application_type ?? 'web';
  if (application !== 'web' && application !== 'native') {
    throw new OAuthError(
      'invalid_client_metadata',
      `application_type must be "web" or "native", got ${JSON.stringify(application)}`,
    );
  }
  if (method === 'none') return application === 'native' ? 'native' : 'user-agent';
  if (method === 'client_secret_basic' || method === 'client_secret_post') return 'web';
  throw new OAuthError(
    'invalid_client_metadata',
    `token_endpoint_auth_method must be one of ${SUPPORTED_AUTH_METHODS.join(', ')}, got ${JSON.stringify(method)}`,
  );
}

/**
 * Whether `value` is an absolute `http` or `https` URL: what a consent page may link to or show
 * (RFC 7591 §2 `client_uri`, `logo_uri`...), never `javascript:` or `data:`.
 */
export function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
