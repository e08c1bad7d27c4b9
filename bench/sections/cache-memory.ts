import { CONFIG } from '../config';
import { figure, Figure } from '../support/figure';
import { progress } from '../support/log';
import { startOauthist, TOKEN_CACHE } from '../support/oauthist';
import { VerifiedTokenCache } from '../../lib/tokens/verified-token-cache';

/** What one entry of the token cache costs the process's heap. */
export interface CacheMemoryFigures {
  readonly entries: number;
  readonly bytesPerEntry: Figure;
}

type Collect = () => void;

/**
 * Heap growth per entry of the token cache: a fresh instance verifies tokens issued before it
 * started (so that no report of their issuance spoils its reads), between two full collections.
 * Each entry holds the token's `AccessToken` (a UUID `userId` among its extras), its key, and
 * its place in the index of grants.
 */
export async function measureCacheMemory(url: string): Promise<CacheMemoryFigures> {
  const collect = (globalThis as { gc?: Collect }).gc;
  if (collect === undefined) throw new Error('bench: run node with --expose-gc');
  const { entries } = CONFIG.cacheMemory;
  const issuer = await startOauthist(url);
  const tokens: string[] = [];
  try {
    for (let i = 0; i < entries; i += 64) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(64, entries - i) }, () => issuer.issueUserToken()),
      );
      tokens.push(...batch.map((issued) => issued.accessToken));
    }
  } finally {
    await issuer.close();
  }
  const runs: number[] = [];
  for (let round = 1; round <= CONFIG.repeats; round++) {
    const caching = await startOauthist(url, TOKEN_CACHE);
    try {
      const cache = caching.app.get(VerifiedTokenCache);
      collect();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < tokens.length; i += 64) {
        await Promise.all(
          tokens.slice(i, i + 64).map((token) => caching.tokens.verifyAccessToken(token)),
        );
      }
      collect();
      const after = process.memoryUsage().heapUsed;
      if (cache.size !== tokens.length)
        throw new Error(`bench: ${cache.size} of ${tokens.length} tokens were cached`);
      runs.push((after - before) / cache.size);
      progress(
        `cache memory round ${round}/${CONFIG.repeats}: ${((after - before) / cache.size).toFixed(0)} B per entry`,
      );
    } finally {
      await caching.close();
    }
  }
  return { entries, bytesPerEntry: figure('B', runs) };
}
