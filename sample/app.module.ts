import { DynamicModule, Module } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { OAuthistModule } from '../lib';
import { AppController } from './app.controller';
import type { SampleConfig } from './sample-config';

export const SAMPLE_CONFIG = Symbol('SAMPLE_CONFIG');
export const SAMPLE_REDIS = Symbol('SAMPLE_REDIS');

@Module({})
class SampleConfigModule {
  static register(config: SampleConfig, redis: Redis | Cluster): DynamicModule {
    return {
      module: SampleConfigModule,
      providers: [
        { provide: SAMPLE_CONFIG, useValue: config },
        { provide: SAMPLE_REDIS, useValue: redis },
      ],
      exports: [SAMPLE_CONFIG, SAMPLE_REDIS],
    };
  }
}

/** The sample authorization server: oauthist configured from the environment. */
@Module({})
export class AppModule {
  static register(config: SampleConfig, redis: Redis | Cluster): DynamicModule {
    const settings = SampleConfigModule.register(config, redis);
    return {
      module: AppModule,
      imports: [
        settings,
        OAuthistModule.forRootAsync({
          imports: [settings],
          inject: [SAMPLE_CONFIG, SAMPLE_REDIS],
          useFactory: (sample: SampleConfig, client: Redis | Cluster) => ({
            redis: client,
            prefix: sample.prefix,
            scopes: sample.scopes.length > 0 ? sample.scopes : undefined,
            authorizationCodeTtl: sample.authorizationCodeTtl,
            accessTokenTtl: sample.accessTokenTtl,
          }),
        }),
      ],
      controllers: [AppController],
    };
  }
}
