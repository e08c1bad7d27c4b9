import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { RedisServerMissingError } from './embedded-redis';
import { createSampleApp } from './sample-app';
import { readSampleConfig } from './sample-config';
import { connectSampleRedis } from './sample-redis';

async function main(): Promise<void> {
  const config = readSampleConfig();
  const redis = await connectSampleRedis(config);
  const app = await createSampleApp(config, redis.client);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as AddressInfo;
  console.log(`oauthist sample listening on http://${config.host}:${address.port}`);
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await app.close();
    await redis.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
}

main().catch((error: unknown) => {
  const message =
    error instanceof RedisServerMissingError || error instanceof Error
      ? error.message
      : String(error);
  console.error(`oauthist sample: ${message}`);
  process.exit(1);
});
