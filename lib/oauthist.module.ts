import { DynamicModule, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, DiscoveryModule } from '@nestjs/core';
import { ClientAuthenticator } from './clients/client-authenticator';
import { ClientService } from './clients/client.service';
import { MetadataDocumentClients } from './clients/metadata-document-clients';
import { AuthorizationEndpoint } from './controllers/authorization-endpoint';
import { OAuthErrorFilter } from './filters/oauth-error.filter';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { ProtectedResourceMetadataRoutes } from './controllers/protected-resource-metadata.routes';
import { GrantTypeRegistry } from './grants/grant-type.registry';
import { GrantService } from './grants/grant.service';
import { PasswordGrant } from './grants/password.grant';
import { PendingAuthorizations } from './grants/pending-authorizations';
import { ScopesGuard } from './guards/scopes.guard';
import { UnreadableBodyAnswers } from './http/unreadable-body';
import type { OAuthistModuleAsyncOptions, OAuthistModuleRootOptions } from './interfaces';
import { ConfigurableModuleClass } from './oauthist.module-definition';
import {
  grantIdsProvider,
  noSignedInUserResolverProvider,
  noUserCredentialsVerifierProvider,
  systemHostResolverProvider,
  resolvedOptionsProvider,
} from './oauthist.providers';
import { OAUTHIST_OPTIONS } from './options/resolved-options';
import { ClientStore } from './redis/client-store';
import { MetadataDocumentStore } from './redis/metadata-document-store';
import { MetadataDocumentFetcher } from './metadata-documents/metadata-document-fetcher';
import { GrantStore } from './redis/grant-store';
import { RedisConnection } from './redis/redis-connection';
import { InvalidationListener } from './redis/invalidation-listener';
import { VerifiedTokenCache } from './tokens/verified-token-cache';
import { ClientRegistrationService } from './registration/client-registration.service';
import { AttemptLimiter } from './throttling/attempt-limiter';
import { SignInLimiter } from './throttling/sign-in-limiter';
import { TokenMinter } from './tokens/token-minter';
import { UserGrants } from './user-grants/user-grants';
import { UserGrantStore } from './redis/user-grant-store';
import { TokenService } from './tokens/token.service';

/**
 * The oauthist authorization server: `OAuthistModule.forRoot({ redis, ... })` or
 * `OAuthistModule.forRootAsync({ imports, inject, useFactory })`.
 * @publicApi
 */
@Module({
  // The registry finds the application's own grant types among every provider.
  imports: [DiscoveryModule],
  providers: [
    resolvedOptionsProvider,
    noSignedInUserResolverProvider,
    noUserCredentialsVerifierProvider,
    RedisConnection,
    InvalidationListener,
    ClientStore,
    MetadataDocumentStore,
    systemHostResolverProvider,
    MetadataDocumentFetcher,
    MetadataDocumentClients,
    GrantStore,
    AttemptLimiter,
    SignInLimiter,
    grantIdsProvider,
    ClientService,
    ClientAuthenticator,
    ClientRegistrationService,
    TokenMinter,
    UserGrantStore,
    UserGrants,
    VerifiedTokenCache,
    TokenService,
    PendingAuthorizations,
    AuthorizationCodeGrant,
    PasswordGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
    GrantTypeRegistry,
    GrantService,
    AuthorizationEndpoint,
    ScopesGuard,
    UnreadableBodyAnswers,
    ProtectedResourceMetadataRoutes,
    // Every route of the application: an OAuthError a handler lets through is answered as the
    // RFC names it, not as a 500.
    { provide: APP_FILTER, useClass: OAuthErrorFilter },
  ],
  exports: [
    ClientService,
    ClientRegistrationService,
    TokenService,
    GrantService,
    SignInLimiter,
    ScopesGuard,
    OAUTHIST_OPTIONS,
  ],
})
export class OAuthistModule implements NestModule {
  /** @internal */
  constructor(private readonly unreadableBodies: UnreadableBodyAnswers) {}

  /** The module with these options and extras. */
  static forRoot(options: OAuthistModuleRootOptions): DynamicModule {
    // The builder's class only assembles the definition; this module is what Nest instantiates.
    return { ...ConfigurableModuleClass.forRoot(options), module: OAuthistModule };
  }

  /** The module with options that other providers make, and these extras. */
  static forRootAsync(options: OAuthistModuleAsyncOptions): DynamicModule {
    return { ...ConfigurableModuleClass.forRootAsync(options), module: OAuthistModule };
  }

  /** @internal Installs the answers to unreadable bodies once the body parsers are in place. */
  configure(): void {
    this.unreadableBodies.install();
  }
}
