import type { Redis } from 'ioredis';
import { startRedisServer } from '../../test/support/redis-server';
import { CONFIG } from '../config';
import { figure, Figure } from '../support/figure';
import { progress } from '../support/log';
import { runMany, throughput, timeOnce } from '../support/measure';
import { newUserId, OauthistInstance, SCOPE, startOauthist } from '../support/oauthist';
import { openConnection, usedMemory } from '../support/redis';
import { ratio, round } from '../support/stats';

export interface ScalePoint {
  /** Live tokens in Redis while measuring (besides the grants being revoked). */
  readonly liveTokens: number;
  readonly verifyOpsPerSec: Figure;
  /** Milliseconds of one revokeGrant() call, by the size of the grant. */
  readonly revokeGrantMs: Record<string, Figure>;
  readonly usedMemoryBytes: number;
  readonly keys: number;
}

export interface ScaleFigures {
  readonly small: ScalePoint;
  readonly large: ScalePoint;
  /** Bulk load of the large Redis through TokenService.issueAccessToken. */
  readonly load: {
    readonly tokens: number;
    readonly concurrency: number;
    readonly seconds: number;
    readonly tokensPerSec: number;
  };
  /** large / small: verification throughput, and the time of each revokeGrant size. */
  readonly verifyLargeToSmall: number | null;
  readonly revokeGrantLargeToSmall: Record<string, number | null>;
}

/** One Redis with its oauthist, its live tokens and the sample of them to verify. */
interface Side {
  readonly name: string;
  readonly liveTokens: number;
  readonly oauthist: OauthistInstance;
  readonly admin: Redis;
  readonly sample: string[];
}

/** Issues `count` tokens for fresh users through the library's own issuance, keeping some. */
async function load(side: Side, count: number, keepEvery: number): Promise<number> {
  let done = 0;
  const step = Math.max(1, Math.floor(count / 10));
  return runMany(count, CONFIG.scale.loadConcurrency, async (i) => {
    const issued = await side.oauthist.issueUserToken();
    if (i % keepEvery === 0) side.sample.push(issued.accessToken);
    if (++done % step === 0 && count >= 100_000) progress(`scale: loaded ${done} of ${count}`);
  });
}

/** The time of one revokeGrant() of a fresh grant of `size` tokens. */
async function revokeGrantMs(side: Side, size: number): Promise<number> {
  const { oauthist } = side;
  const userId = newUserId();
  await runMany(size, CONFIG.scale.loadConcurrency, () => oauthist.issueUserToken(userId));
  let revoked = 0;
  const ms = await timeOnce(async () => {
    revoked = await oauthist.tokens.revokeGrant(userId, oauthist.client.id);
  });
  if (revoked !== size)
    throw new Error(`bench: revokeGrant revoked ${revoked} tokens of a grant of ${size}`);
  return ms;
}

function verifier(side: Side): (i: number) => Promise<unknown> {
  const { sample, oauthist } = side;
  return (i) => oauthist.tokens.verifyAccessToken(sample[(i * 7919) % sample.length], SCOPE);
}

/**
 * Item 8: verification with few and with very many live tokens, and revokeGrant() of a small
 * and of a large grant beside them. The two totals live in two Redis servers side by side
 * (this section's own data only), and every measurement alternates between them, so that the
 * machine's changing load does not pass for an effect of the number of tokens.
 */
export async function measureScale(url: string, admin: Redis): Promise<ScaleFigures> {
  const { small, large, verifySample } = CONFIG.scale;
  await admin.flushall();
  const smallServer = await startRedisServer();
  const smallAdmin = await openConnection(smallServer.url);
  const sides: Side[] = [];
  try {
    sides.push({
      name: 'small',
      liveTokens: small,
      oauthist: await startOauthist(smallServer.url),
      admin: smallAdmin,
      sample: [],
    });
    sides.push({
      name: 'large',
      liveTokens: large,
      oauthist: await startOauthist(url),
      admin,
      sample: [],
    });
    const [smallSide, largeSide] = sides;
    await load(smallSide, small, 1);
    progress(`scale: loading ${large} tokens through TokenService.issueAccessToken`);
    const seconds = await load(largeSide, large, Math.max(1, Math.floor(large / verifySample)));
    progress(`scale: loaded in ${round(seconds, 1)} s (${Math.round(large / seconds)} tokens/s)`);

    const { warmupMs, durationMs } = CONFIG.inProcess;
    const verifyRuns: Record<string, number[]> = { small: [], large: [] };
    for (const side of sides)
      await throughput(verifier(side), { concurrency: CONFIG.concurrency, durationMs: warmupMs });
    for (let i = 1; i <= CONFIG.repeats; i++) {
      for (const side of sides) {
        const result = await throughput(verifier(side), {
          concurrency: CONFIG.concurrency,
          durationMs,
        });
        verifyRuns[side.name].push(result.opsPerSec);
        progress(
          `scale round ${i}/${CONFIG.repeats}: verify with ${side.liveTokens} live tokens ` +
            `${Math.round(result.opsPerSec)} ops/s`,
        );
      }
    }
    const memory = { small: 0, large: 0 };
    const keys = { small: 0, large: 0 };
    for (const side of sides) {
      memory[side.name as 'small' | 'large'] = await usedMemory(side.admin);
      keys[side.name as 'small' | 'large'] = await side.admin.dbsize();
    }

    const revokeRuns: Record<string, Record<string, number[]>> = { small: {}, large: {} };
    for (const size of CONFIG.scale.revokeGrantSizes) {
      for (let i = 1; i <= CONFIG.repeats; i++) {
        for (const side of sides) {
          const ms = await revokeGrantMs(side, size);
          (revokeRuns[side.name][String(size)] ??= []).push(ms);
          progress(
            `scale round ${i}/${CONFIG.repeats}: revokeGrant of ${size} token(s) beside ` +
              `${side.liveTokens} live: ${round(ms, 2)} ms`,
          );
        }
      }
    }

    const point = (side: Side): ScalePoint => {
      const name = side.name as 'small' | 'large';
      const revoke: Record<string, Figure> = {};
      for (const [size, runs] of Object.entries(revokeRuns[name]))
        revoke[size] = figure('ms', runs, 2);
      return {
        liveTokens: side.liveTokens,
        verifyOpsPerSec: figure('ops/s', verifyRuns[name]),
        revokeGrantMs: revoke,
        usedMemoryBytes: memory[name],
        keys: keys[name],
      };
    };
    const smallPoint = point(smallSide);
    const largePoint = point(largeSide);
    const revokeGrantLargeToSmall: Record<string, number | null> = {};
    for (const size of Object.keys(largePoint.revokeGrantMs))
      revokeGrantLargeToSmall[size] = ratio(
        largePoint.revokeGrantMs[size].median,
        smallPoint.revokeGrantMs[size].median,
      );
    return {
      small: smallPoint,
      large: largePoint,
      load: {
        tokens: large,
        concurrency: CONFIG.scale.loadConcurrency,
        seconds: round(seconds, 1),
        tokensPerSec: Math.round(large / seconds),
      },
      verifyLargeToSmall: ratio(
        largePoint.verifyOpsPerSec.median,
        smallPoint.verifyOpsPerSec.median,
      ),
      revokeGrantLargeToSmall,
    };
  } finally {
    for (const side of sides) await side.oauthist.close();
    smallAdmin.disconnect();
    await smallServer.stop();
  }
}
