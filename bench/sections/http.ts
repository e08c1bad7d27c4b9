import { fork, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ClientService, TokenService } from '../../lib';
import { CONFIG } from '../config';
import { Adapter, startBenchApp } from '../http/app';
import type { LoadJob, LoadResult } from '../http/autocannon-child';
import { figure, Figure } from '../support/figure';
import { progress } from '../support/log';
import { registerClient, SCOPE, TOKEN_CACHE } from '../support/oauthist';
import { openConnection } from '../support/redis';
import { ratio } from '../support/stats';

export const ROUTES = ['guarded', 'guardedCached', 'rawGet', 'empty', 'token'] as const;
export type RouteName = (typeof ROUTES)[number];

const ROUTE_LABELS: Record<RouteName, string> = {
  guarded: 'GET /bench/guarded (@Scopes)',
  guardedCached: 'GET /bench/guarded (@Scopes), tokenCache on',
  rawGet: 'GET /bench/raw-get (one ioredis GET)',
  empty: 'GET /bench/empty',
  token: 'POST /oauth/token (client credentials)',
};

export interface RouteFigures {
  readonly requestsPerSec: Figure;
  readonly latencyP99Ms: Figure;
  readonly runs: readonly LoadResult[];
}

export interface AdapterFigures {
  readonly routes: Record<RouteName, RouteFigures>;
  /** guarded / raw-GET, of the medians. */
  readonly guardedToRawGet: number | null;
  /** guarded with the token cache on / raw-GET, of the medians. */
  readonly guardedCachedToRawGet: number | null;
}

/** A route's req/s and p99 latency over its runs. */
function routeFigures(runs: readonly LoadResult[]): RouteFigures {
  return {
    requestsPerSec: figure(
      'req/s',
      runs.map((r) => r.requestsPerSec),
    ),
    latencyP99Ms: figure(
      'ms',
      runs.map((r) => r.latencyP99Ms),
      1,
    ),
    runs,
  };
}

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(
      join(__dirname, '..', 'http', 'autocannon-child.js'),
      [JSON.stringify(job)],
      {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    let result: LoadResult | undefined;
    child.on('message', (message) => {
      result = message as LoadResult;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`autocannon child exited with ${code}`)),
    );
  });
}

async function measureAdapter(url: string, adapter: Adapter): Promise<AdapterFigures> {
  const redis = await openConnection(url);
  const floorKey = 'bench:http:floor';
  await redis.set(
    floorKey,
    randomBytes(CONFIG.inProcess.valueBytes)
      .toString('base64url')
      .slice(0, CONFIG.inProcess.valueBytes),
  );
  const { app, url: base } = await startBenchApp(adapter, redis, floorKey);
  // The same app with the token cache on, on a port of its own and the same connection.
  const cached = await startBenchApp(adapter, redis, floorKey, TOKEN_CACHE);
  try {
    const clients = app.get(ClientService);
    const client = await registerClient(clients);
    const issued = await app.get(TokenService).issueAccessToken({
      clientId: client.id,
      scopes: [SCOPE],
      extras: { userId: 'c0ffee00-0000-4000-8000-000000000000' },
    });
    const { connections, warmupSeconds, durationSeconds } = CONFIG.http;
    const jobs: Record<
      RouteName,
      Omit<LoadJob, 'warmupSeconds' | 'durationSeconds' | 'connections'>
    > = {
      guarded: {
        url: `${base}/bench/guarded`,
        method: 'GET',
        headers: { authorization: `Bearer ${issued.accessToken}` },
      },
      guardedCached: {
        url: `${cached.url}/bench/guarded`,
        method: 'GET',
        headers: { authorization: `Bearer ${issued.accessToken}` },
      },
      rawGet: { url: `${base}/bench/raw-get`, method: 'GET', headers: {} },
      empty: { url: `${base}/bench/empty`, method: 'GET', headers: {} },
      token: {
        url: `${base}/oauth/token`,
        method: 'POST',
        headers: {
          authorization: client.basic,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: `grant_type=client_credentials&scope=${SCOPE}`,
      },
    };
    const runs = Object.fromEntries(ROUTES.map((route) => [route, [] as LoadResult[]])) as Record<
      RouteName,
      LoadResult[]
    >;
    for (let round = 1; round <= CONFIG.repeats; round++) {
      for (const route of ROUTES) {
        const result = await load({
          ...jobs[route],
          connections,
          // A longer warm-up before the first run of a route (the app's code is cold); a short
          // one after the other routes ran, to open the connections again.
          warmupSeconds: round === 1 ? warmupSeconds : 1,
          durationSeconds,
        });
        if (result.non2xx > 0 || result.requests === 0)
          throw new Error(
            `bench: ${adapter} ${ROUTE_LABELS[route]} answered ${result.non2xx} non-2xx of ${result.requests}`,
          );
        runs[route].push(result);
        progress(
          `http ${adapter} round ${round}/${CONFIG.repeats}: ${ROUTE_LABELS[route]} ` +
            `${Math.round(result.requestsPerSec)} req/s, p99 ${result.latencyP99Ms} ms` +
            (result.errors + result.timeouts > 0
              ? `, ${result.errors} errors, ${result.timeouts} timeouts`
              : ''),
        );
      }
    }
    const routes = {} as Record<RouteName, RouteFigures>;
    for (const route of ROUTES) routes[route] = routeFigures(runs[route]);
    return {
      routes,
      guardedToRawGet: ratio(
        routes.guarded.requestsPerSec.median,
        routes.rawGet.requestsPerSec.median,
      ),
      guardedCachedToRawGet: ratio(
        routes.guardedCached.requestsPerSec.median,
        routes.rawGet.requestsPerSec.median,
      ),
    };
  } finally {
    await cached.app.close();
    await app.close();
    await redis.quit();
  }
}

/** The HTTP figures: oauthist's app on each adapter, and node-oidc-provider's protected route. */
export interface HttpFigures {
  readonly express: AdapterFigures;
  readonly fastify: AdapterFigures;
  readonly oidcProvider: RouteFigures;
}

/**
 * node-oidc-provider's protected route on Koa (bench/peer/oidc-provider-server.mjs), in a
 * process of its own on the same Redis, loaded as oauthist's routes are.
 */
async function measureOidcProvider(url: string): Promise<RouteFigures> {
  const server = spawn(
    process.execPath,
    [join(__dirname, '..', '..', '..', 'bench', 'peer', 'oidc-provider-server.mjs'), url],
    // Its start-up warnings (development keys, no cookie keys) concern a real deployment only.
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  try {
    const lines = createInterface({ input: server.stdout });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      server.once('exit', (code) =>
        reject(new Error(`bench: the peer server exited with ${code}`)),
      );
    });
    const started = JSON.parse(first) as { url: string; token: string };
    const { connections, warmupSeconds, durationSeconds } = CONFIG.http;
    const runs: LoadResult[] = [];
    for (let round = 1; round <= CONFIG.repeats; round++) {
      const result = await load({
        url: started.url,
        method: 'GET',
        headers: { authorization: `Bearer ${started.token}` },
        connections,
        warmupSeconds: round === 1 ? warmupSeconds : 1,
        durationSeconds,
      });
      if (result.non2xx > 0 || result.requests === 0)
        throw new Error(`bench: the peer's route answered ${result.non2xx} non-2xx`);
      runs.push(result);
      progress(
        `http node-oidc-provider round ${round}/${CONFIG.repeats}: protected route on Koa ` +
          `${Math.round(result.requestsPerSec)} req/s, p99 ${result.latencyP99Ms} ms`,
      );
    }
    return routeFigures(runs);
  } finally {
    server.kill();
  }
}

/**
 * Item 5: HTTP load with autocannon, run in a child process so that it does not share the
 * app's event loop (on two cores: one for the app, one for autocannon, Redis in between).
 */
export async function measureHttp(url: string): Promise<HttpFigures> {
  const express = await measureAdapter(url, 'express');
  const fastify = await measureAdapter(url, 'fastify');
  const oidcProvider = await measureOidcProvider(url);
  return { express, fastify, oidcProvider };
}
