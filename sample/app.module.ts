import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { OAuthistModule, UserCredentialsVerifier } from '../lib';
import { ApiController } from './api/api.controller';
import { AppController } from './app.controller';
import { ConsentController } from './auth/consent.controller';
import { LoginController } from './auth/login.controller';
import { McpController } from './mcp/mcp.controller';
import { SampleUserVerifier } from './auth/sample-user-verifier';
import { SampleUsers } from './auth/sample-users';
import type { SampleConfig } from './sample-config';
import { SAMPLE_CONFIG, SAMPLE_REDIS } from './sample.tokens';
import { SessionService } from './session/session.service';

/** The settings, the Redis connection and the users, for every module of the sample. */
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
      ],
      exports: [SAMPLE_CONFIG, SAMPLE_REDIS, SampleUsers],
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
            // RFC 7591, open as the contract says, under the default budget per source.
            dynamicRegistration: {},
          }),
          isGlobal: true,
          // The password grant checks SAMPLE_USERS: the application's verifier replaces
          // oauthist's provider through ordinary DI.
          extraProviders: [{ provide: UserCredentialsVerifier, useClass: SampleUserVerifier }],
        }),
      ],
      controllers: [
        AppController,
        LoginController,
        ConsentController,
        ApiController,
        McpController,
      ],
      providers: [SessionService],
    };
  }
}
