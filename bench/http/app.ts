import { Controller, Get, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Redis } from 'ioredis';
import { AccessToken, CurrentAccessToken, OAuthistModule, Scopes } from '../../lib';
import { ExtraOptions, oauthistOptions, SCOPE } from '../support/oauthist';

export type Adapter = 'express' | 'fastify';

/**
 * The benchmark's Nest app: oauthist's module with its endpoints, and three routes to compare
 * a protected request with: one guarded by @Scopes, one doing a single GET on the same
 * connection oauthist uses, and one doing nothing. Listens on a free loopback port.
 */
export async function startBenchApp(
  adapter: Adapter,
  redis: Redis,
  floorKey: string,
  extra: ExtraOptions = {},
): Promise<{ app: INestApplication; url: string }> {
  @Controller('bench')
  class BenchController {
    @Get('guarded')
    @Scopes(SCOPE)
    guarded(@CurrentAccessToken() token: AccessToken): Record<string, unknown> {
      return { user: token.userId ?? null };
    }

    @Get('raw-get')
    async rawGet(): Promise<Record<string, unknown>> {
      const value = await redis.get(floorKey);
      return { found: value !== null };
    }

    @Get('empty')
    empty(): Record<string, unknown> {
      return {};
    }
  }

  @Module({
    imports: [OAuthistModule.forRoot({ ...oauthistOptions(redis), ...extra })],
    controllers: [BenchController],
  })
  class BenchHttpModule {}

  const app =
    adapter === 'fastify'
      ? await NestFactory.create(BenchHttpModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(BenchHttpModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}
