import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { Cluster, Redis } from 'ioredis';
import { AppModule } from './app.module';
import type { SampleConfig } from './sample-config';

/** The sample app, configured the same way for `npm start` and for the tests. */
export async function createSampleApp(
  config: SampleConfig,
  redis: Redis | Cluster,
  logger: false | ('error' | 'warn')[] = ['error', 'warn'],
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, redis), {
    logger,
  });
  app.use(cookieParser());
  app.disable('x-powered-by');
  return app;
}
