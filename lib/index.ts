/**
 * oauthist: an OAuth 2.0 authorization server that a NestJS application imports as one module,
 * keeping its clients, codes and tokens in Redis.
 *
 * @packageDocumentation
 */

// The public API: every export is named here, and nothing else is public.

// The module and its options
export { OAuthistModule } from './oauthist.module';
export type {
  IntrospectionPolicy,
  InitialAccessTokenVerifier,
  OAuthistBruteForceOptions,
  OAuthistCacheOptions,
  OAuthistClientMetadataDocumentOptions,
  OAuthistClusterNode,
  OAuthistDynamicRegistrationOptions,
  OAuthistModuleAsyncOptions,
  OAuthistModuleExtras,
  OAuthistModuleOptions,
  OAuthistModuleRootOptions,
  OAuthistRedisClusterOptions,
  OAuthistRedisOption,
  OAuthistRefreshTokenOptions,
  OAuthistRegistrationRateLimit,
  OAuthistRoutes,
  RegistrableGrantType,
} from './interfaces';
export { OAUTHIST_OPTIONS } from './options/resolved-options';
export { OAUTHIST_ROUTES } from './options/resolved-routes';
export type { ResolvedRoutes } from './options/resolved-routes';
export { ResourceIndicators } from './resources/resource-indicators';
export type { ResolvedOAuthistOptions } from './options/resolved-options';
export type { BruteForceLimits } from './options/brute-force-limits';
export type { CachePolicy } from './options/cache-policy';
export type { RefreshTokenPolicy } from './options/refresh-token-policy';
export type { DynamicRegistrationPolicy } from './options/dynamic-registration-policy';
export type { ClientMetadataDocumentPolicy } from './options/client-metadata-document-policy';
export { BoundedCluster } from './redis/bounded-cluster';

// Clients
export { ClientService } from './clients/client.service';
export type { ClientAuthenticationMethod } from './clients/client-authenticator';
export type {
  AttributeValue,
  ClientOrigin,
  ClientType,
  CreateClientInput,
  ListClientsOptions,
  OAuthClient,
  PurgeSelfRegisteredOptions,
  RegisteredClient,
  UpdateClientInput,
} from './interfaces';

// Dynamic client registration (RFC 7591)
export { ClientRegistrationService } from './registration/client-registration.service';
export type {
  ClientRegistration,
  ClientRegistrationRequest,
} from './registration/client-registration.service';
export type { ClientInformationResponse } from './registration/client-information';
// Client ID Metadata Documents: how their hosts are resolved
export { CLIENT_METADATA_DOCUMENT_RESOLVER } from './metadata-documents/host-resolver';
export type { HostResolver, ResolvedAddress } from './metadata-documents/host-resolver';

// The password grant's user check, and who is signed in at the authorization endpoint
export { UserCredentialsVerifier } from './credentials/user-credentials-verifier';
export { SignedInUserResolver } from './credentials/signed-in-user-resolver';

// Errors
export { OAuthError } from './errors/oauth-error';
export type { OAuthErrorCode } from './errors/oauth-error';
export { OAuthistConfigurationError } from './errors/oauthist-configuration-error';
export { StorageUnavailableError } from './errors/storage-unavailable-error';

// Brute-force protection for an application's own sign-in page
export { SignInLimiter } from './throttling/sign-in-limiter';
export { LimitedAttempt } from './throttling/limited-attempt';

// Grants: the manual's request objects, and grant types of your own
export { GrantService, fromRequest } from './grants/grant.service';
export type { ParameterSource } from './grants/grant.service';
export { AuthorizationRequest } from './grants/authorization-request';
export type {
  AuthorizationPrompt,
  AuthorizationRequestCheck,
  AuthorizationResponseType,
  BrokenAuthorizationRequest,
  InvalidAuthorizationRequest,
  ValidAuthorizationRequest,
} from './grants/authorization-check';
export { CodeRequest } from './grants/code-request';
export { AccessTokenRequest } from './grants/access-token-request';
export type { ImplicitRedirectOptions } from './grants/access-token-request';
export { PendingAuthorization } from './grants/pending-authorization';
export {
  ClientCredentialsRequest,
  CodeExchangeRequest,
  PasswordExchangeRequest,
  TokenRequest,
} from './grants/token-request';
export type { PasswordGrantFlags } from './grants/token-request';
export { ClientRequest, TokenLookupRequest } from './grants/client-request';
export { RevocationRequest } from './grants/revocation-request';
export { IntrospectionRequest } from './grants/introspection-request';
export type { Extras } from './grants/extras';
export { OAuthGrantType } from './grants/grant-type';
export type { GrantType, TokenGrantRequest } from './grants/grant-type';
export { RequestParameters } from './protocol/request-parameters';
export type { OAuthParameters } from './protocol/request-parameters';

// Tokens
export { TokenService } from './tokens/token.service';
// A user's grants: connected applications
export type { ListGrantsOptions, UserGrant, UserGrantsPage } from './user-grants/user-grant';
export type { AccessTokenGrant } from './tokens/token-minter';
export { AccessToken } from './tokens/access-token';
export { IssuedAccessToken } from './tokens/issued-access-token';
export type { TokenResponseBody } from './tokens/issued-access-token';
export { InvalidAccessToken } from './tokens/invalid-access-token';
export { ProtectedResourceRequest } from './tokens/protected-resource-request';
export type { InvalidAccessTokenReason } from './tokens/invalid-access-token';
export type {
  ActiveTokenIntrospection,
  IntrospectionResponse,
} from './tokens/introspection-response';

// Protected routes
export { Scopes } from './decorators/scopes.decorator';
export { ProtectedResource } from './decorators/protected-resource.decorator';
export type {
  ProtectedResourceOptions,
  ProtectedResourceTarget,
} from './resources/protected-resource-target';
export { CurrentAccessToken } from './decorators/current-access-token.decorator';
export { ScopesGuard } from './guards/scopes.guard';

// HTTP: responses, requests and validation
export { OAuthResponse, NO_STORE_HEADERS } from './responses/oauth-response';
export type { HttpRequestLike } from './http/http-request';
export type { FastifyLikeReply, HttpReply, NodeLikeResponse } from './http/http-reply';
export { OAuthValidationPipe } from './pipes/oauth-validation.pipe';
export { ClientAuthenticationDto } from './dto/client-authentication.dto';
export { TokenLookupRequestDto } from './dto/token-lookup-request.dto';
export type { AuthorizationServerMetadata } from './controllers/authorization-server-metadata';
