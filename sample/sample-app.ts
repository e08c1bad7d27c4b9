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
  // Behind a TLS-terminating proxy, what makes req.secure (Secure cookies) and req.ip (the
  // brute-force limits' source) right; untrusted, those headers would be the client's to forge.
  app.set('trust proxy', config.trustProxy);
  return app;
}
