import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { OAuthistModule, SignedInUserResolver, UserCredentialsVerifier } from '../lib';
import { AccountController } from './account/account.controller';
import { ApiController } from './api/api.controller';
import { AppController } from './app.controller';
import { ConsentController } from './auth/consent.controller';
import { LoginController } from './auth/login.controller';
import { SessionUserResolver } from './auth/session-user-resolver';
import { McpController } from './mcp/mcp.controller';
import { SampleUserVerifier } from './auth/sample-user-verifier';
import { SampleUsers } from './auth/sample-users';
import type { SampleConfig } from './sample-config';
import { SAMPLE_CONFIG, SAMPLE_REDIS } from './sample.tokens';
import { SessionService } from './session/session.service';

/**
 * The settings, the Redis connection, the users and their sessions, for every module of the
 * sample (oauthist's own module reads the sessions through `SessionUserResolver`).
 */
@Global()
@Module({})
class SampleCoreModule {
  static register(config: SampleConfig, redis: Redis | Cluster): DynamicModule {
    return {
      module: SampleCoreModule,
      providers: [
        { provide: SAMPLE_CONFIG, useValue: config },
        { provide: SAMPLE_REDIS, useValue: redis },
        SampleUsers,
        SessionService,
      ],
      exports: [SAMPLE_CONFIG, SAMPLE_REDIS, SampleUsers, SessionService],
    };
  }
}

/** The sample authorization server: oauthist configured from the environment, every grant on. */
@Module({})
export class AppModule {
  static register(config: SampleConfig, redis: Redis | Cluster): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SampleCoreModule.register(config, redis),
        OAuthistModule.forRootAsync({
          inject: [SAMPLE_CONFIG, SAMPLE_REDIS],
          useFactory: (sample: SampleConfig, client: Redis | Cluster) => ({
            // One connection for the sample and oauthist; on a cluster a BoundedCluster, whose
            // commands time out even while no node has the slot.
            redis: client,
            prefix: sample.prefix,
            issuer: sample.issuer,
            scopes: sample.scopes.length > 0 ? sample.scopes : undefined,
            authorizationCodeTtl: sample.authorizationCodeTtl,
            accessTokenTtl: sample.accessTokenTtl,
            refreshTokens:
              sample.refreshTokenTtl === null
                ? false
                : { ttl: sample.refreshTokenTtl, reuseGraceSeconds: sample.refreshReuseGrace },
            // RFC 8707: tokens may be bound to the MCP endpoint or to the API, under the issuer.
            resources: ['/mcp', '/api'],
            // An https client_id is read as a Client ID Metadata Document, as MCP clients expect;
            // loopback http documents only when asked for, to try a client on this machine.
            clientMetadataDocuments: { allowLoopbackHttp: sample.cimdAllowLoopback },
            implicitGrant: true,
            bearerTokenInQuery: true,
            consentUrl: '/consent',
            // A user who already allowed a client what it asks goes straight back to it.
            rememberConsent: true,
            // RFC 7591, open as the contract says, under the default budget per source.
            dynamicRegistration: {},
          }),
          isGlobal: true,
          // The password grant checks SAMPLE_USERS, and the authorization endpoint reads the
          // sample's sessions: the application's classes replace oauthist's through ordinary DI.
          extraProviders: [
            { provide: UserCredentialsVerifier, useClass: SampleUserVerifier },
            { provide: SignedInUserResolver, useClass: SessionUserResolver },
          ],
        }),
      ],
      controllers: [
        AppController,
        LoginController,
        ConsentController,
        ApiController,
        McpController,
        AccountController,
      ],
    };
  }
}
