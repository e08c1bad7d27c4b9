import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { RedisServerMissingError } from './embedded-redis';
import { createSampleApp } from './sample-app';
import { readSampleConfig } from './sample-config';
import { connectSampleRedis } from './sample-redis';

/**
 * Asked to stop (a signal, or the end of scripts/run-sample.mjs) at any time, start-up
 * included: a process that died on a signal mid-start would leave its redis-server behind.
 */
let stopRequested = false;
let stop: (() => void) | undefined;
function requestStop(): void {
  stopRequested = true;
  stop?.();
}
process.once('SIGINT', requestStop);
process.once('SIGTERM', requestStop);
process.once('SIGHUP', requestStop);

// scripts/run-sample.mjs starts the sample with an IPC channel, which closes when that process
// ends however it ends (SIGKILL too): the sample then stops rather than serve on as an orphan.
// Only its closing matters: the channel must not keep the process alive by itself.
if (process.channel !== undefined) {
  process.channel.unref();
  process.once('disconnect', requestStop);
}

async function main(): Promise<void> {
  const config = readSampleConfig();
  const redis = await connectSampleRedis(config);
  const app = await createSampleApp(config, redis.client);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as AddressInfo;
  console.log(`oauthist sample listening on http://${config.host}:${address.port}`);
  let closing = false;
  stop = () => {
    if (closing) return;
    closing = true;
    void (async () => {
      await app.close();
      await redis.close();
      process.exit(0);
    })();
  };
  if (stopRequested) stop();
}

main().catch((error: unknown) => {
  const message =
    error instanceof RedisServerMissingError || error instanceof Error
      ? error.message
      : String(error);
  console.error(`oauthist sample: ${message}`);
  process.exit(1);
});
