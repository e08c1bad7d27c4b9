import { Module } from '@nestjs/common';
import { ClientService } from './clients/client.service';
import { ConfigurableModuleClass } from './oauthist.module-definition';
import { resolvedOptionsProvider } from './oauthist.providers';
import { ClientStore } from './redis/client-store';
import { RedisConnection } from './redis/redis-connection';

/**
 * The oauthist authorization server: `OAuthistModule.forRoot({ redis, ... })` or
 * `OAuthistModule.forRootAsync({ imports, inject, useFactory })`.
 * @publicApi
 */
@Module({
  providers: [resolvedOptionsProvider, RedisConnection, ClientStore, ClientService],
  exports: [ClientService],
})
export class OAuthistModule extends ConfigurableModuleClass {}
