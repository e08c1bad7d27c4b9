import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InvalidAccessToken, OAuthistModule, TokenService } from '../../lib';
import type { OAuthistRedisOption } from '../../lib';
import { grantIdOf } from '../../lib/crypto/grant-bound-secret';
import { tokenField } from '../../lib/redis/token-record';
import { VerifiedTokenCache } from '../../lib/tokens/verified-token-cache';
import { PREFIX, SCOPES } from '../support/oauthist';
import { preciseNow } from './poller-protocol';
import type { PollerJob, PollerMessage } from './poller-protocol';

const next = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The second process of the invalidation delay: an app instance with the token cache on, on
 * the Redis named by its argument. For each token it is sent it verifies the token until it is
 * cached, says so, then verifies it on every turn of its event loop until it is refused, and
 * says when.
 */
async function main(): Promise<void> {
  const redis = JSON.parse(process.argv[2]) as OAuthistRedisOption;
  @Module({
    imports: [
      OAuthistModule.forRoot({
        redis,
        prefix: PREFIX,
        scopes: SCOPES,
        tokenCache: { maxEntries: 10_000 },
      }),
    ],
  })
  class PollerModule {}
  const app = await NestFactory.createApplicationContext(PollerModule, { logger: false });
  const tokens = app.get(TokenService);
  const cache = app.get(VerifiedTokenCache);
  const send = (message: PollerMessage): void => {
    process.send?.(message);
  };
  process.on('message', (job: PollerJob | 'stop') => {
    if (job === 'stop') {
      void app.close().then(() => process.exit(0));
      return;
    }
    void (async () => {
      const grant = grantIdOf(job.token) as string;
      const field = tokenField(job.token);
      // The report of the token's own issuance may spoil the first reads: try until it is kept.
      while (cache.get(grant, field) === undefined) {
        await tokens.verifyAccessToken(job.token);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      send({ cached: true });
      let polls = 0;
      for (;;) {
        polls++;
        try {
          await tokens.verifyAccessToken(job.token);
        } catch (error) {
          if (!(error instanceof InvalidAccessToken)) throw error;
          send({ refusedAt: preciseNow(), polls });
          return;
        }
        await next();
      }
    })();
  });
  send({ started: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`poller failed: ${String(error)}\n`);
  process.exit(1);
});
