import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../test/support/redis-server';
import { CONFIG } from './config';
import { measureCacheMemory } from './sections/cache-memory';
import { measureHttp } from './sections/http';
import { measureInvalidation } from './sections/invalidation';
import { measureInProcess, prepareInProcess } from './sections/in-process';
import { measureMemory } from './sections/memory';
import { measureRefreshMemory } from './sections/refresh-memory';
import { measureScale } from './sections/scale';
import { measureWire } from './sections/wire';
import { elapsedSeconds, progress } from './support/log';
import { startOauthist } from './support/oauthist';
import { info, openConnection } from './support/redis';
import { round } from './support/stats';
import { buildReport, renderTable } from './report';

/**
 * `npm run bench`: every figure of issue 7 in one run, against one throwaway redis-server on
 * loopback. Progress goes to stderr, the table to stdout, everything to bench/results/latest.json.
 */
async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  progress(`starting redis-server${CONFIG.quick ? ' (BENCH_QUICK: figures mean nothing)' : ''}`);
  const server = await startRedisServer();
  // An interrupted run must not leave its redis-server behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void server.stop().finally(() => process.exit(130));
    });
  }
  const admin = await openConnection(server.url);
  try {
    const redisVersion = (await info(admin, 'server')).redis_version;

    progress('in-process: preparing floor keys, token pools and the peer');
    const oauthist = await startOauthist(server.url);
    const context = await prepareInProcess(server.url, oauthist);
    const inProcess = await measureInProcess(context, admin);
    const wire = await measureWire(context, admin);
    const refreshPool = {
      families: context.refreshPool.families,
      refreshes: context.refreshPool.refreshes,
    };
    await oauthist.close();
    await context.refreshing.close();
    await context.caching.close();
    await context.peerRedis.quit();

    progress('http: autocannon against Express, then Fastify');
    const http = await measureHttp(server.url);

    progress('invalidation: revocations in this process, refused from the cache of another');
    const invalidation = await measureInvalidation(server.url);

    progress('cache memory: heap per entry of the token cache');
    const cacheMemory = await measureCacheMemory(server.url);

    progress('memory: tokens for fresh users on an empty Redis');
    const memory = await measureMemory(server.url, admin);

    progress('memory: refresh tokens on code-exchanged grants, against grants without');
    const refreshMemory = await measureRefreshMemory(server.url, admin);

    progress('scale: verification and revokeGrant with few and with many live tokens');
    const scale = await measureScale(server.url, admin);

    const report = buildReport({
      meta: {
        startedAt: startedAt.toISOString(),
        totalSeconds: round(elapsedSeconds(), 1),
        node: process.version,
        redis: redisVersion,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: round(totalmem() / 2 ** 30, 1),
        loadAverageBefore: loadBefore.map((v) => round(v, 2)),
        loadAverageAfter: loadavg().map((v) => round(v, 2)),
        quick: CONFIG.quick,
        config: CONFIG,
      },
      inProcess: inProcess.opsPerSec,
      inProcessCpu: inProcess.cpu,
      wire,
      http,
      invalidation,
      cacheMemory,
      memory,
      refreshMemory,
      refreshPool,
      scale,
    });
    const directory = join(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(renderTable(report));
    progress(`done in ${round(elapsedSeconds(), 1)} s; figures in bench/results/latest.json`);
  } finally {
    admin.disconnect();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
