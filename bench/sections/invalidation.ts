import { fork, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientService, OAuthistModule, TokenService } from '../../lib';
import type { OAuthistRedisOption } from '../../lib';
import { startRedisCluster } from '../../test/support/redis-cluster';
import { CONFIG } from '../config';
import { preciseNow } from '../invalidation/poller-protocol';
import type { PollerJob, PollerMessage } from '../invalidation/poller-protocol';
import { figure, Figure } from '../support/figure';
import { progress } from '../support/log';
import { newUserId, PREFIX, registerClient, SCOPE, SCOPES } from '../support/oauthist';
import { percentile } from '../support/stats';

/** The delay between a revocation in one process and its refusal from the cache of another. */
export interface DelayFigures {
  /** Revocations timed per run. */
  readonly samples: number;
  readonly p50Ms: Figure;
  readonly p99Ms: Figure;
  readonly maxMs: Figure;
}

export interface InvalidationFigures {
  readonly single: DelayFigures;
  readonly cluster: DelayFigures;
}

/** The next message of the poller that `accept` takes. */
function nextMessage<T extends PollerMessage>(
  child: ChildProcess,
  accept: (message: PollerMessage) => message is T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: PollerMessage): void => {
      if (!accept(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`bench: the poller exited with ${code}`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

const isStarted = (m: PollerMessage): m is { started: true } => 'started' in m;
const isCached = (m: PollerMessage): m is { cached: true } => 'cached' in m;
const isRefused = (m: PollerMessage): m is { refusedAt: number; polls: number } => 'refusedAt' in m;

/**
 * Revokes tokens in this process while another process, with the token cache on, verifies
 * each on every turn of its event loop: the delay runs from just before `revokeToken()` is
 * called here to the first refusal there. Both processes read one clock (`performance.timeOrigin
 * + now()`), so the figure includes the revocation's own round trip.
 */
async function measureOn(redis: OAuthistRedisOption, label: string): Promise<DelayFigures> {
  @Module({ imports: [OAuthistModule.forRoot({ redis, prefix: PREFIX, scopes: SCOPES })] })
  class RevokerModule {}
  const app = await NestFactory.createApplicationContext(RevokerModule, { logger: false });
  const child = fork(
    join(__dirname, '..', 'invalidation', 'poller-child.js'),
    [JSON.stringify(redis)],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  try {
    await nextMessage(child, isStarted);
    const tokens = app.get(TokenService);
    const client = await registerClient(app.get(ClientService));
    const { samples } = CONFIG.invalidation;
    const runs = { p50: [] as number[], p99: [] as number[], max: [] as number[] };
    for (let round = 1; round <= CONFIG.repeats; round++) {
      const delays: number[] = [];
      for (let i = 0; i < samples; i++) {
        const issued = await tokens.issueAccessToken({
          clientId: client.id,
          scopes: [SCOPE],
          extras: { userId: newUserId() },
        });
        const cached = nextMessage(child, isCached);
        child.send({ token: issued.accessToken } satisfies PollerJob);
        await cached;
        const refused = nextMessage(child, isRefused);
        const start = preciseNow();
        await tokens.revokeToken(issued.accessToken);
        delays.push((await refused).refusedAt - start);
      }
      runs.p50.push(percentile(delays, 50));
      runs.p99.push(percentile(delays, 99));
      runs.max.push(Math.max(...delays));
      progress(
        `invalidation ${label} round ${round}/${CONFIG.repeats}: p50 ${percentile(delays, 50).toFixed(2)} ms, ` +
          `p99 ${percentile(delays, 99).toFixed(2)} ms over ${samples} revocations`,
      );
    }
    return {
      samples,
      p50Ms: figure('ms', runs.p50, 2),
      p99Ms: figure('ms', runs.p99, 2),
      maxMs: figure('ms', runs.max, 2),
    };
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    await app.close();
  }
}

/**
 * The invalidation delay between two processes, on the benchmark's single Redis and on a
 * throwaway three-master Redis Cluster on loopback.
 */
export async function measureInvalidation(url: string): Promise<InvalidationFigures> {
  const single = await measureOn(url, 'single Redis');
  progress('invalidation: starting a throwaway Redis Cluster');
  const cluster = await startRedisCluster();
  try {
    return { single, cluster: await measureOn({ clusterNodes: [...cluster.nodes] }, 'Cluster') };
  } finally {
    await cluster.stop();
  }
}
