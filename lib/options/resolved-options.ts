import type { IntrospectionPolicy, OAuthistRedisOption } from '../interfaces';
import type { BruteForceLimits } from './brute-force-limits';
import type { CachePolicy } from './cache-policy';
import type { DynamicRegistrationPolicy } from './dynamic-registration-policy';
import type { ClientMetadataDocumentPolicy } from './client-metadata-document-policy';
import type { ResourceIndicators } from '../resources/resource-indicators';
import type { RefreshTokenPolicy } from './refresh-token-policy';

/**
 * Injection token of the module options after validation, with every default filled in
 * (`ResolvedOAuthistOptions`): inject it to read what oauthist runs with.
 * @publicApi
 */
export const OAUTHIST_OPTIONS = Symbol('OAUTHIST_OPTIONS');

/**
 * The module options after validation, with every default filled in.
 * @publicApi
 */
export interface ResolvedOAuthistOptions {
  /** The Redis option as given. */
  readonly redis: OAuthistRedisOption;
  /** Prefix of every key. */
  readonly prefix: string;
  /** The scopes a client may ask for; `null`: any scope is accepted. */
  readonly scopes: ReadonlySet<string> | null;
  /** Lifetime of an authorization code, seconds. */
  readonly authorizationCodeTtl: number;
  /** How long an authorization request waits for the user, seconds. */
  readonly pendingAuthorizationTtl: number;
  /** Authorization requests one source may start per `pendingAuthorizationTtl`; `null`: any. */
  readonly pendingAuthorizationsPerSource: number | null;
  /** Lifetime of an access token, seconds; `null`: tokens never expire. */
  readonly accessTokenTtl: number | null;
  /** The refresh-token policy; `null`: no refresh tokens are issued. */
  readonly refreshTokens: RefreshTokenPolicy | null;
  /** The resources tokens may be issued for (RFC 8707); `null`: none, tokens have no audience. */
  readonly resources: ResourceIndicators | null;
  /** Which client may read which token's introspection (RFC 7662 §4). */
  readonly introspectionPolicy: IntrospectionPolicy;
  /** Whether the implicit grant is on. */
  readonly implicitGrant: boolean;
  /** Whether an earlier consent answers a request by itself (see the option). */
  readonly rememberConsent: boolean;
  /** Whether the token endpoint takes a password grant that names no client. */
  readonly passwordGrantWithoutClient: boolean;
  /** Whether PKCE's `plain` method is accepted. */
  readonly allowPlainPkce: boolean;
  /** The issuer identifier; `null`: taken from the request's Host. */
  readonly issuer: string | null;
  /** Where a good authorization request sends the user. */
  readonly consentUrl: string;
  /** Whether a bearer token is accepted in a form body. */
  readonly bearerTokenInBody: boolean;
  /** Whether a bearer token is accepted in the query. */
  readonly bearerTokenInQuery: boolean;
  /** The realm of the challenges. */
  readonly realm: string;
  /** Milliseconds a Redis command may take. */
  readonly commandTimeout: number;
  /** The brute-force limits; `null`: the protection is off. */
  readonly bruteForce: BruteForceLimits | null;
  /** The cache of clients authenticating at the token endpoint; `null`: it is off. */
  readonly clientCache: CachePolicy | null;
  /** The cache of verified access tokens; `null`: it is off. */
  readonly tokenCache: CachePolicy | null;
  /** How dynamic client registration (RFC 7591) runs; `null`: it is off. */
  readonly dynamicRegistration: DynamicRegistrationPolicy | null;
  /** How Client ID Metadata Documents are read; `null`: an `https` client id is not fetched. */
  readonly clientMetadataDocuments: ClientMetadataDocumentPolicy | null;
}
