export { CLIENT_TYPES, isConfidentialType } from './clients/client-type';
export type { ClientType } from './clients/client-type';
export { ClientService } from './clients/client.service';
export { UserCredentialsVerifier } from './credentials/user-credentials-verifier';
export { OAuthError, OAuthistConfigurationError, StorageUnavailableError } from './errors';
export type { OAuthErrorCode } from './errors';
export { AccessTokenRequest } from './grants/access-token-request';
export { AuthorizationRequest } from './grants/authorization-request';
export type { ClientAuthenticationMethod } from './grants/client-authentication';
export { ClientCredentialsRequest } from './grants/client-credentials-request';
export { ClientRequest } from './grants/client-request';
export { CodeExchangeRequest } from './grants/code-exchange-request';
export { CodeRequest } from './grants/code-request';
export type { Extras } from './grants/extras';
export type { ImplicitRedirectOptions } from './grants/access-token-request';
export { GrantService, fromRequest } from './grants/grant.service';
export type { ParameterSource } from './grants/grant.service';
export { PasswordExchangeRequest } from './grants/password-exchange-request';
export type { PasswordGrantFlags } from './grants/password-exchange-request';
export { PendingAuthorization } from './grants/pending-authorization';
export { RequestParameters } from './grants/request-parameters';
export type { HttpRequestLike, OAuthParameters } from './grants/request-parameters';
export { RevocationRequest } from './grants/revocation-request';
export { IntrospectionRequest } from './grants/introspection-request';
export { TokenRequest } from './grants/token-request';
export type {
  AttributeValue,
  CreateClientInput,
  ListClientsOptions,
  OAuthClient,
  OAuthistBruteForceOptions,
  OAuthistClusterNode,
  OAuthistModuleOptions,
  OAuthistRedisClusterOptions,
  OAuthistRedisOption,
  OAuthistRoutes,
  RegisteredClient,
  UpdateClientInput,
} from './interfaces';
export { OAUTHIST_OPTIONS, OAUTHIST_ROUTES, SCOPES_METADATA } from './oauthist.constants';
export { OAUTHIST_MODULE_OPTIONS } from './oauthist.module-definition';
export { OAuthistModule } from './oauthist.module';
export { NO_STORE_HEADERS, OAuthResponse, setReplyHeader } from './responses';
export type { FastifyLikeReply, HttpReply, NodeLikeResponse } from './responses';
export { AccessToken } from './tokens/access-token';
export type {
  ActiveTokenIntrospection,
  IntrospectionResponse,
} from './tokens/introspection-response';
export { InvalidAccessToken } from './tokens/invalid-access-token';
export type { InvalidAccessTokenReason } from './tokens/invalid-access-token';
export { IssuedAccessToken } from './tokens/issued-access-token';
export type { TokenResponseBody } from './tokens/issued-access-token';
export type { AccessTokenGrant } from './tokens/token.service';
export { TokenService } from './tokens/token.service';
export { CurrentAccessToken } from './decorators/current-access-token.decorator';
export { Scopes } from './decorators/scopes.decorator';
export { ClientAuthenticationDto, TokenLookupRequestDto, TokenRequestDto } from './dto';
export { ScopesGuard } from './guards/scopes.guard';
export type { AuthorizationServerMetadata } from './http/authorization-server-metadata';
export { OAuthValidationPipe } from './pipes/oauth-validation.pipe';
