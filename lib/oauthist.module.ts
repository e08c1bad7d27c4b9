import { Module, NestModule } from '@nestjs/common';
import { ClientService } from './clients/client.service';
import { GrantService } from './grants/grant.service';
import { ScopesGuard } from './guards/scopes.guard';
import { AuthorizationEndpoint } from './http/authorization-endpoint';
import { UnreadableBodyAnswers } from './http/unreadable-body';
import { OAUTHIST_OPTIONS } from './oauthist.constants';
import { ConfigurableModuleClass } from './oauthist.module-definition';
import {
  grantIdsProvider,
  resolvedOptionsProvider,
  userCredentialsVerifierProvider,
} from './oauthist.providers';
import { ClientStore } from './redis/client-store';
import { GrantStore } from './redis/grant-store';
import { RedisConnection } from './redis/redis-connection';
import { AttemptLimiter } from './throttling/attempt-limiter';
import { TokenService } from './tokens/token.service';

/**
 * The oauthist authorization server: `OAuthistModule.forRoot({ redis, ... })` or
 * `OAuthistModule.forRootAsync({ imports, inject, useFactory })`.
 * @publicApi
 */
@Module({
  providers: [
    resolvedOptionsProvider,
    userCredentialsVerifierProvider,
    RedisConnection,
    ClientStore,
    GrantStore,
    AttemptLimiter,
    grantIdsProvider,
    ClientService,
    TokenService,
    GrantService,
    AuthorizationEndpoint,
    ScopesGuard,
    UnreadableBodyAnswers,
  ],
  exports: [ClientService, TokenService, GrantService, ScopesGuard, OAUTHIST_OPTIONS],
})
export class OAuthistModule extends ConfigurableModuleClass implements NestModule {
  constructor(private readonly unreadableBodies: UnreadableBodyAnswers) {
    super();
  }

  // Nest calls it after registering the body parsers and before the routes, where the
  // framework hooks for a body the parsers refuse must go.
  configure(): void {
    this.unreadableBodies.install();
  }
}
