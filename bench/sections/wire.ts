import type { Redis } from 'ioredis';
import { CONFIG } from '../config';
import {
  clientCredentials,
  codeExchange,
  codeFlow,
  authorizationRequest,
  consent,
} from '../support/flows';
import { progress } from '../support/log';
import { SCOPE } from '../support/oauthist';
import { WireCount, WireProbe } from '../support/probe';
import { callDelta, commandCalls } from '../support/redis';
import { median, round } from '../support/stats';
import { AT_RESOURCE, InProcessContext } from './in-process';

/** Round trips and commands of one kind of operation, counted over many runs of it alone. */
export interface WireFigure {
  /** Operations counted. */
  readonly operations: number;
  /** Round trips per operation: median, and the least and most seen. */
  readonly roundTrips: { readonly median: number; readonly min: number; readonly max: number };
  /** Socket writes per operation (median). */
  readonly writes: number;
  /** Commands ioredis sent per operation (median), and those of the median operation. */
  readonly commandsSent: number;
  readonly commandsSentList: readonly string[];
  /** Commands Redis executed per operation, from INFO commandstats (scripts' own calls included). */
  readonly redisCommands: number;
  readonly redisCommandsByName: Readonly<Record<string, number>>;
}

interface WireSpec<T> {
  readonly label: string;
  readonly redis: Redis;
  /** Runs before counting (not counted): what the operation needs, e.g. a fresh code. */
  readonly setup: () => Promise<T>;
  readonly operation: (prepared: T) => Promise<unknown>;
}

export const WIRE = [
  'verify',
  'verifyForResource',
  'verifyCached',
  'clientCredentials',
  'codeExchange',
  'authorizationRequest',
  'consent',
  'codeFlow',
  'refresh',
  'peerVerify',
  'peerClientCredentials',
] as const;
export type WireName = (typeof WIRE)[number];

async function count<T>(spec: WireSpec<T>, admin: Redis): Promise<WireFigure> {
  const { operations, warmup } = CONFIG.probe;
  for (let i = 0; i < warmup; i++) await spec.operation(await spec.setup());
  const prepared: T[] = [];
  for (let i = 0; i < operations; i++) prepared.push(await spec.setup());
  const probe = new WireProbe(spec.redis);
  const counts: WireCount[] = [];
  const before = await commandCalls(admin);
  try {
    for (const item of prepared) {
      probe.start();
      await spec.operation(item);
      counts.push(probe.stop());
    }
  } finally {
    probe.detach();
  }
  const after = await commandCalls(admin);
  const delta = callDelta(before, after);
  const perOperation = Object.fromEntries(
    Object.entries(delta)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, calls]) => [name, round(calls / operations, 2)]),
  );
  const roundTrips = counts.map((c) => c.roundTrips);
  const sent = counts.map((c) => c.commands.length);
  const typical = counts.find((c) => c.commands.length === median(sent)) ?? counts[0];
  return {
    operations,
    roundTrips: {
      median: median(roundTrips),
      min: Math.min(...roundTrips),
      max: Math.max(...roundTrips),
    },
    writes: median(counts.map((c) => c.writes)),
    commandsSent: median(sent),
    commandsSentList: typical.commands,
    redisCommands: round(
      Object.values(delta).reduce((sum, calls) => sum + calls, 0) / operations,
      2,
    ),
    redisCommandsByName: perOperation,
  };
}

/** Item 4: round trips and commands, counted on the connection and by Redis itself. */
export async function measureWire(
  context: InProcessContext,
  admin: Redis,
): Promise<Record<WireName, WireFigure>> {
  const { oauthist, peer, peerClient } = context;
  const { grants, client, tokens } = oauthist;
  const none = async (): Promise<undefined> => undefined;
  let next = 0;
  const specs: { [K in WireName]: WireSpec<unknown> } = {
    verify: {
      label: 'verification',
      redis: oauthist.redis,
      setup: none,
      operation: () =>
        tokens.verifyAccessToken(
          context.oauthistTokens[next++ % context.oauthistTokens.length],
          SCOPE,
        ),
    },
    verifyForResource: {
      label: 'verification at a resource (audience checked)',
      redis: oauthist.redis,
      setup: none,
      operation: () =>
        tokens.verifyAccessTokenFor(
          context.resourceTokens[next++ % context.resourceTokens.length],
          AT_RESOURCE,
          SCOPE,
        ),
    },
    verifyCached: {
      label: 'verification, tokenCache on (a cached token)',
      redis: context.caching.redis,
      setup: none,
      operation: () =>
        context.caching.tokens.verifyAccessToken(
          context.oauthistTokens[next++ % context.oauthistTokens.length],
          SCOPE,
        ),
    },
    clientCredentials: {
      label: 'client credentials issuance',
      redis: oauthist.redis,
      setup: none,
      operation: () => clientCredentials(grants, client),
    },
    codeExchange: {
      label: 'code exchange',
      redis: oauthist.redis,
      setup: async () => consent(await authorizationRequest(grants, client)),
      operation: (code) => codeExchange(grants, client, code as string),
    },
    authorizationRequest: {
      label: 'authorization request (codeRequest + saveCode)',
      redis: oauthist.redis,
      setup: none,
      operation: () => authorizationRequest(grants, client),
    },
    consent: {
      label: 'consent (accept)',
      redis: oauthist.redis,
      setup: () => authorizationRequest(grants, client),
      operation: (pending) => consent(pending as Awaited<ReturnType<typeof authorizationRequest>>),
    },
    codeFlow: {
      label: 'whole authorization-code flow',
      redis: oauthist.redis,
      setup: none,
      operation: () => codeFlow(grants, client),
    },
    refresh: {
      // Each refresh presents the token the family's last refresh returned: every one rotates.
      label: 'refresh (rotating)',
      redis: context.refreshing.redis,
      setup: none,
      operation: () => context.refreshPool.refresh(),
    },
    peerVerify: {
      label: 'peer verification',
      redis: context.peerRedis,
      setup: none,
      operation: () => peer.verify(context.peerTokens[next++ % context.peerTokens.length], SCOPE),
    },
    peerClientCredentials: {
      label: 'peer client credentials issuance',
      redis: context.peerRedis,
      setup: none,
      operation: () => peer.clientCredentials(peerClient.basic, SCOPE),
    },
  };
  const result = {} as Record<WireName, WireFigure>;
  for (const name of WIRE) {
    const figure = await count(specs[name], admin);
    result[name] = figure;
    progress(
      `wire: ${specs[name].label}: ${figure.roundTrips.median} round trip(s), ` +
        `${figure.commandsSent} sent (${figure.commandsSentList.join(' ')}), ` +
        `${figure.redisCommands} run by Redis`,
    );
  }
  return result;
}
