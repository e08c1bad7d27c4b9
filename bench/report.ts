import type { HttpFigures, RouteName } from './sections/http';
import { IN_PROCESS_LABELS } from './sections/in-process';
import type { CpuFigures, InProcessName } from './sections/in-process';
import type { CacheMemoryFigures } from './sections/cache-memory';
import type { DelayFigures, InvalidationFigures } from './sections/invalidation';
import type { MemoryFigures } from './sections/memory';
import type { RefreshMemoryFigures, RefreshTokenBytes } from './sections/refresh-memory';
import type { ScaleFigures } from './sections/scale';
import type { WireFigure, WireName } from './sections/wire';
import type { Figure } from './support/figure';
import { ratio } from './support/stats';

export interface Measurements {
  readonly meta: Record<string, unknown>;
  readonly inProcess: Record<InProcessName, Figure>;
  readonly inProcessCpu: Record<InProcessName, CpuFigures>;
  readonly wire: Record<WireName, WireFigure>;
  readonly http: HttpFigures;
  readonly invalidation: InvalidationFigures;
  readonly cacheMemory: CacheMemoryFigures;
  readonly memory: MemoryFigures;
  readonly refreshMemory: RefreshMemoryFigures;
  /** The refresh-token families the refresh grant took turns over, and its refreshes in all. */
  readonly refreshPool: { readonly families: number; readonly refreshes: number };
  readonly scale: ScaleFigures;
}

/** One line of the table; `met` is null where there is no target. */
export interface Row {
  readonly item: number;
  readonly measure: string;
  readonly result: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: boolean | null;
}

export interface Report extends Measurements {
  readonly ratios: Record<string, number | null>;
  readonly rows: readonly Row[];
  readonly targets: { readonly met: number; readonly missed: number };
}

const number = (value: number): string => Math.round(value).toLocaleString('en-US');
const fixed = (value: number | null): string => (value === null ? 'n/a' : value.toFixed(2));

function wireResult(figure: WireFigure): string {
  const { median, min, max } = figure.roundTrips;
  const trips = min === max ? `${median}` : `${median} (${min}-${max})`;
  return `${trips} RT, ${figure.commandsSent} sent, ${figure.redisCommands} run`;
}

/**
 * A refresh token's bytes, and where they are: the grant's hash (its size without and with the
 * token), and the spent code, which keeps the family id only until the code expires.
 */
function refreshBytes(
  bytes: RefreshTokenBytes,
  before: Figure,
  after: Figure,
  encoding?: string,
): string {
  const as = encoding === undefined ? '' : ` as ${encoding}`;
  return (
    `${bytes.total.median} B: grant hash +${bytes.grantHash.median} (${before.median} -> ${after.median}${as}),` +
    ` spent code +${bytes.spentCode.median} until it expires`
  );
}

/** Item 4 for a verification: its target is one round trip of one command, sent and run. */
function oneCommandRow(what: string, figure: WireFigure): Row {
  return {
    item: 4,
    measure: `${what}: round trips, commands`,
    result: wireResult(figure),
    ratio: '',
    target: '1 RT, 1 command',
    met: figure.roundTrips.max === 1 && figure.commandsSent === 1 && figure.redisCommands === 1,
  };
}

/** Item 6b: the invalidation delay between two processes, p99 on loopback at most 5 ms. */
function delayRow(where: string, figures: DelayFigures): Row {
  return {
    item: 6,
    measure: `revoked in one process, refused from another's cache: ${where}`,
    result: `p50 ${figures.p50Ms.median} ms, p99 ${figures.p99Ms.median} ms, max ${figures.maxMs.median} ms (${figures.samples} per run)`,
    ratio: '',
    target: 'p99 <= 5 ms',
    met: figures.p99Ms.median <= 5,
  };
}

/** The figures, their ratios, and one row per line of the table with its target. */
export function buildReport(measurements: Measurements): Report {
  const { inProcess, wire, http, memory, refreshMemory, refreshPool, scale } = measurements;
  const { invalidation, cacheMemory } = measurements;
  const floor = inProcess.floorGet.median;
  const ratios: Record<string, number | null> = {
    hgetallToGet: ratio(inProcess.floorHgetall.median, floor),
    verifyToGet: ratio(inProcess.verify.median, floor),
    verifyForResourceToGet: ratio(inProcess.verifyForResource.median, floor),
    verifyCachedToGet: ratio(inProcess.verifyCached.median, floor),
    clientCredentialsToGet: ratio(inProcess.clientCredentials.median, floor),
    codeFlowToGet: ratio(inProcess.codeFlow.median, floor),
    refreshToGet: ratio(inProcess.refresh.median, floor),
    peerVerifyToGet: ratio(inProcess.peerVerify.median, floor),
    peerClientCredentialsToGet: ratio(inProcess.peerClientCredentials.median, floor),
    verifyOauthistToPeer: ratio(inProcess.verify.median, inProcess.peerVerify.median),
    clientCredentialsOauthistToPeer: ratio(
      inProcess.clientCredentials.median,
      inProcess.peerClientCredentials.median,
    ),
    expressGuardedToRawGet: http.express.guardedToRawGet,
    fastifyGuardedToRawGet: http.fastify.guardedToRawGet,
    expressGuardedCachedToRawGet: http.express.guardedCachedToRawGet,
    fastifyGuardedCachedToRawGet: http.fastify.guardedCachedToRawGet,
    fastifyGuardedToOidcProvider: ratio(
      http.fastify.routes.guarded.requestsPerSec.median,
      http.oidcProvider.requestsPerSec.median,
    ),
    verifyLargeToSmall: scale.verifyLargeToSmall,
  };
  const atLeast = (value: number | null, target: number): boolean =>
    value !== null && value >= target;
  const rows: Row[] = [
    {
      item: 1,
      measure: 'ioredis GET, 200 B value (the floor)',
      result: `${number(floor)} ops/s`,
      ratio: '1.00',
      target: '',
      met: null,
    },
    {
      item: 1,
      measure: 'ioredis HGETALL, 200 B hash',
      result: `${number(inProcess.floorHgetall.median)} ops/s`,
      ratio: fixed(ratios.hgetallToGet),
      target: '',
      met: null,
    },
    {
      item: 2,
      measure: 'TokenService.verifyAccessToken',
      result: `${number(inProcess.verify.median)} ops/s`,
      ratio: fixed(ratios.verifyToGet),
      target: '>= 0.90 x GET',
      met: atLeast(ratios.verifyToGet, 0.9),
    },
    {
      item: 2,
      measure: 'TokenService.verifyAccessTokenFor, audience-bound token',
      result: `${number(inProcess.verifyForResource.median)} ops/s`,
      ratio: fixed(ratios.verifyForResourceToGet),
      target: '>= 0.90 x GET',
      met: atLeast(ratios.verifyForResourceToGet, 0.9),
    },
    {
      item: 2,
      measure: 'verifyAccessToken, tokenCache on (a cached token)',
      result: `${number(inProcess.verifyCached.median)} ops/s`,
      ratio: fixed(ratios.verifyCachedToGet),
      target: '>= 5 x GET',
      met: atLeast(ratios.verifyCachedToGet, 5),
    },
    {
      item: 3,
      measure: 'client credentials (request + exchangeForToken)',
      result: `${number(inProcess.clientCredentials.median)} ops/s`,
      ratio: fixed(ratios.clientCredentialsToGet),
      target: '>= 0.40 x GET',
      met: atLeast(ratios.clientCredentialsToGet, 0.4),
    },
    {
      item: 3,
      measure: 'authorization code: request, save, accept, exchange',
      result: `${number(inProcess.codeFlow.median)} flows/s`,
      ratio: fixed(ratios.codeFlowToGet),
      target: '',
      met: null,
    },
    {
      item: 3,
      // Every refresh presents the token its family's last refresh returned: each one rotates.
      measure: `refresh, rotating (${number(refreshPool.families)} families, ~${number(
        refreshPool.refreshes / refreshPool.families,
      )} rotations each)`,
      result: `${number(inProcess.refresh.median)} ops/s`,
      ratio: fixed(ratios.refreshToGet),
      target: '',
      met: null,
    },
    oneCommandRow('verification', wire.verify),
    oneCommandRow('verification at a resource', wire.verifyForResource),
    {
      item: 4,
      measure: 'verification, tokenCache on: round trips, commands',
      result: wireResult(wire.verifyCached),
      ratio: '',
      target: '0 RT',
      met: wire.verifyCached.roundTrips.max === 0 && wire.verifyCached.redisCommands === 0,
    },
    {
      item: 4,
      measure: 'client credentials issuance: round trips, commands',
      result: wireResult(wire.clientCredentials),
      ratio: '',
      target: '1 RT',
      met: wire.clientCredentials.roundTrips.max === 1,
    },
    {
      item: 4,
      measure: 'code exchange (request + exchangeForToken)',
      result: wireResult(wire.codeExchange),
      ratio: '',
      target: '<= 2 RT',
      met: wire.codeExchange.roundTrips.max <= 2,
    },
    {
      item: 4,
      measure: 'refresh (request + exchangeForToken, rotating)',
      result: wireResult(wire.refresh),
      ratio: '',
      target: '1 RT',
      met: wire.refresh.roundTrips.max === 1,
    },
    {
      item: 4,
      measure: 'authorization request (codeRequest + saveCode)',
      result: wireResult(wire.authorizationRequest),
      ratio: '',
      target: '',
      met: null,
    },
    {
      item: 4,
      measure: 'consent (accept)',
      result: wireResult(wire.consent),
      ratio: '',
      target: '',
      met: null,
    },
    {
      item: 4,
      measure: 'whole authorization-code flow',
      result: wireResult(wire.codeFlow),
      ratio: '',
      target: '',
      met: null,
    },
  ];
  const routeLabels: Record<RouteName, string> = {
    guarded: 'GET @Scopes-guarded route',
    guardedCached: 'GET @Scopes-guarded route, tokenCache on',
    rawGet: 'GET route doing one ioredis GET',
    empty: 'GET empty unguarded route',
    token: 'POST /oauth/token client credentials',
  };
  for (const adapter of ['express', 'fastify'] as const) {
    const figures = http[adapter];
    const targets: Partial<Record<RouteName, number>> = { guarded: 0.9, guardedCached: 1.0 };
    for (const route of ['guarded', 'guardedCached', 'rawGet', 'empty', 'token'] as const) {
      const { requestsPerSec, latencyP99Ms } = figures.routes[route];
      const toRawGet = ratio(requestsPerSec.median, figures.routes.rawGet.requestsPerSec.median);
      const target = targets[route];
      rows.push({
        item: 5,
        measure: `${adapter}: ${routeLabels[route]}`,
        result: `${number(requestsPerSec.median)} req/s, p99 ${latencyP99Ms.median} ms`,
        ratio: route === 'rawGet' ? '1.00' : fixed(toRawGet),
        target: target === undefined ? '' : `>= ${target.toFixed(2)} x raw GET`,
        met: target === undefined ? null : atLeast(toRawGet, target),
      });
    }
  }
  rows.push(
    {
      item: 6,
      measure: 'peer: node-oidc-provider 8 protected route on Koa',
      result: `${number(http.oidcProvider.requestsPerSec.median)} req/s, p99 ${http.oidcProvider.latencyP99Ms.median} ms`,
      ratio: `${fixed(ratios.fastifyGuardedToOidcProvider)} fastify guarded/peer`,
      target: '>= 1.0',
      met: atLeast(ratios.fastifyGuardedToOidcProvider, 1),
    },
    {
      item: 6,
      measure: 'peer verification: authenticate()',
      result: `${number(inProcess.peerVerify.median)} ops/s, ${wire.peerVerify.roundTrips.median} RT`,
      ratio: `${fixed(ratios.verifyOauthistToPeer)} oauthist/peer`,
      target: '>= 1.4',
      met: atLeast(ratios.verifyOauthistToPeer, 1.4),
    },
    {
      item: 6,
      measure: 'peer client credentials: token()',
      result: `${number(inProcess.peerClientCredentials.median)} ops/s, ${wire.peerClientCredentials.roundTrips.median} RT`,
      ratio: `${fixed(ratios.clientCredentialsOauthistToPeer)} oauthist/peer`,
      target: '>= 2',
      met: atLeast(ratios.clientCredentialsOauthistToPeer, 2),
    },
    delayRow('single Redis', invalidation.single),
    delayRow('Redis Cluster, 3 masters', invalidation.cluster),
    {
      item: 7,
      measure: 'memory per token cache entry, process heap',
      result: `${number(cacheMemory.bytesPerEntry.median)} B over ${number(cacheMemory.entries)} entries`,
      ratio: '',
      target: '',
      met: null,
    },
    {
      item: 7,
      measure: 'memory per token, MEMORY USAGE',
      result:
        `${memory.memoryUsagePerToken.median} B (grant hash ${memory.memoryUsageParts.grantHash.median}` +
        ` as ${memory.grantEncoding}` +
        ` + registry ${memory.memoryUsageParts.registryGrowth.median})` +
        // The grant's hash, and the new user's index (the row below): any other key a token
        // added would be missing here.
        (memory.keysPerToken === 2 ? '' : ` [${memory.keysPerToken} keys/token, not 2]`),
      ratio: '',
      target: '<= 200 B',
      met: memory.memoryUsagePerToken.median <= 200,
    },
    {
      item: 7,
      measure: "memory per new user's index of grants, MEMORY USAGE",
      result: `${memory.userIndexPerUser.median} B per user, as ${memory.userIndexEncoding}`,
      ratio: '',
      target: '',
      met: null,
    },
    {
      item: 7,
      measure: `memory per token, used_memory over ${number(memory.tokensPerBatch)}`,
      result: `${memory.usedMemoryPerToken.median} B, a new user's index included`,
      ratio: '',
      target: '<= 250 B',
      met: memory.usedMemoryPerToken.median <= 250,
    },
    {
      item: 7,
      measure: 'memory per refresh token as issued, MEMORY USAGE',
      result:
        refreshBytes(
          refreshMemory.memoryUsagePerRefreshToken.issued,
          refreshMemory.grantHash.withoutRefresh,
          refreshMemory.grantHash.withRefresh,
        ) +
        // A refresh token is one field of its grant's hash: any key or registry growth is extra.
        (refreshMemory.keysPerRefreshToken === 0 &&
        refreshMemory.registryGrowthPerRefreshToken.median === 0
          ? ''
          : ` [+${refreshMemory.keysPerRefreshToken} keys, +${refreshMemory.registryGrowthPerRefreshToken.median} B registry]`),
      ratio: '',
      target: '<= 120 B',
      met: refreshMemory.memoryUsagePerRefreshToken.issued.total.median <= 120,
    },
    {
      item: 7,
      measure: 'memory per refresh token once rotated, MEMORY USAGE',
      result: refreshBytes(
        refreshMemory.memoryUsagePerRefreshToken.rotated,
        refreshMemory.grantHash.twoTokensWithoutRefresh,
        refreshMemory.grantHash.rotated,
        refreshMemory.encodings.rotated,
      ),
      ratio: '',
      target: '<= 120 B',
      met: refreshMemory.memoryUsagePerRefreshToken.rotated.total.median <= 120,
    },
    {
      item: 7,
      measure: `memory per refresh token, used_memory over ${number(refreshMemory.grantsPerBatch)}`,
      result:
        `${refreshMemory.datasetPerRefreshToken.issued.median} B as issued, ` +
        `${refreshMemory.datasetPerRefreshToken.rotated.median} B once rotated, less overhead` +
        // Raw used_memory moves by the keyspace table's doublings, which fall on one side only.
        ` (raw: ${refreshMemory.usedMemoryPerRefreshToken.issued.median} B,` +
        ` ${refreshMemory.usedMemoryPerRefreshToken.rotated.median} B)`,
      ratio: '',
      target: '',
      met: null,
    },
    {
      item: 7,
      measure: 'peer memory per token: MEMORY USAGE, used_memory',
      result: `${memory.peer.memoryUsagePerToken.median} B, ${memory.peer.usedMemoryPerToken.median} B`,
      ratio: '',
      target: '',
      met: null,
    },
  );
  const points = [scale.small, scale.large];
  for (const point of points) {
    rows.push({
      item: 8,
      measure: `verify with ${number(point.liveTokens)} live tokens`,
      result: `${number(point.verifyOpsPerSec.median)} ops/s`,
      ratio: point === scale.large ? `${fixed(scale.verifyLargeToSmall)} of 1k` : '',
      target: point === scale.large ? '>= 0.80 of 1k *' : '',
      met: point === scale.large ? atLeast(scale.verifyLargeToSmall, 0.8) : null,
    });
  }
  for (const size of Object.keys(scale.large.revokeGrantMs)) {
    for (const point of points) {
      const large = point === scale.large;
      const grow = scale.revokeGrantLargeToSmall[size];
      rows.push({
        item: 8,
        measure: `revokeGrant of ${number(Number(size))} token(s), ${number(point.liveTokens)} live`,
        result: `${point.revokeGrantMs[size].median} ms`,
        ratio: large ? `${fixed(grow)} of 1k` : '',
        target: large ? '<= 1.5 of 1k *' : '',
        // Sub-millisecond calls vary by more than their own cost: a difference under 1 ms passes.
        met: large
          ? grow !== null &&
            (grow <= 1.5 ||
              point.revokeGrantMs[size].median - scale.small.revokeGrantMs[size].median < 1)
          : null,
      });
    }
  }
  const judged = rows.filter((row) => row.met !== null);
  return {
    ...measurements,
    ratios,
    rows,
    targets: {
      met: judged.filter((row) => row.met).length,
      missed: judged.filter((row) => !row.met).length,
    },
  };
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - text.length));
}

/** The table for stdout, then the commands behind item 4. */
export function renderTable(report: Report): string {
  const header = {
    item: '#',
    measure: 'measure',
    result: 'result',
    ratio: 'ratio',
    target: 'target',
    status: 'status',
  };
  const lines = report.rows.map((row) => ({
    item: String(row.item),
    measure: row.measure,
    result: row.result,
    ratio: row.ratio,
    target: row.target,
    status: row.met === null ? '' : row.met ? 'met' : 'MISSED',
  }));
  const columns = Object.keys(header) as (keyof typeof header)[];
  const widths = Object.fromEntries(
    columns.map((column) => [
      column,
      Math.max(header[column].length, ...lines.map((line) => line[column].length)),
    ]),
  ) as Record<keyof typeof header, number>;
  const render = (line: Record<keyof typeof header, string>): string =>
    columns
      .map((column) => pad(line[column], widths[column]))
      .join('  ')
      .trimEnd();
  const rule = columns.map((column) => '-'.repeat(widths[column])).join('  ');
  const meta = report.meta as {
    node: string;
    redis: string;
    cpus: number;
    cpuModel: string;
    totalSeconds: number;
    loadAverageBefore: number[];
    quick: boolean;
  };
  const out = [
    `oauthist benchmark: node ${meta.node}, redis ${meta.redis}, ${meta.cpus} x ${meta.cpuModel}, ` +
      `load average ${meta.loadAverageBefore.join(' ')} at start, ${meta.totalSeconds} s` +
      (meta.quick ? ' (BENCH_QUICK: figures mean nothing)' : ''),
    `medians of ${(report.meta.config as { repeats: number }).repeats} runs; in-process: 64 in flight; HTTP: autocannon, 32 connections`,
    '',
    render(header),
    rule,
    ...lines.map(render),
    '',
    `targets met: ${report.targets.met}, missed: ${report.targets.missed}` +
      '   (* the benchmark\'s own reading of "does not grow with the total")',
  ];
  out.push('', 'CPU time per in-process operation, microseconds (this process | redis-server):');
  for (const [name, cpu] of Object.entries(report.inProcessCpu)) {
    const label = IN_PROCESS_LABELS[name as InProcessName];
    out.push(`  ${pad(label, 34)} ${cpu.nodeUsPerOp.median} | ${cpu.redisUsPerOp.median}`);
  }
  out.push(
    '',
    "commands per operation (sent by ioredis | run by Redis, from INFO commandstats, scripts' own calls included):",
  );
  for (const [name, figure] of Object.entries(report.wire)) {
    const run = Object.entries(figure.redisCommandsByName)
      .map(([command, calls]) => `${command} ${calls}`)
      .join(', ');
    out.push(`  ${pad(name, 22)} ${figure.commandsSentList.join(' ')} | ${run}`);
  }
  return `${out.join('\n')}\n`;
}
