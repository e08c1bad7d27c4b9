import type { TestingModule } from '@nestjs/testing';
import { InvalidAccessToken, TokenService } from '../../lib';
import { grantIdOf } from '../../lib/crypto/grant-bound-secret';
import { InvalidationListener } from '../../lib/redis/invalidation-listener';
import { tokenField } from '../../lib/redis/token-record';
import { VerifiedTokenCache } from '../../lib/tokens/verified-token-cache';
import { waitUntil } from './redis-processes';

/** Well above any report's delay on loopback; the benchmark measures the delay itself. */
export const REPORT_BOUND_MS = 2000;

/** Why `tokens` refuses `token` (`InvalidAccessToken.reason`), or 'live'. */
export function verdict(tokens: TokenService, token: string): Promise<string> {
  return tokens.verifyAccessToken(token).then(
    () => 'live',
    (error: unknown) => {
      if (error instanceof InvalidAccessToken) return error.reason;
      throw error;
    },
  );
}

/** How long `check` took to turn true, polled on every turn of the event loop, within the bound. */
export async function msUntil(check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > REPORT_BOUND_MS)
      throw new Error(`not seen within ${REPORT_BOUND_MS} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - start;
}

/**
 * Verifies `token` in `module` (its token cache on) until the cache holds it: the report of
 * the write that made the token can arrive while the first read is under way, which then
 * keeps nothing.
 */
export async function untilCached(module: TestingModule, token: string): Promise<void> {
  const listener = module.get(InvalidationListener);
  await waitUntil('the instance to track every node', async () => listener.tracking);
  const cache = module.get(VerifiedTokenCache);
  const grant = grantIdOf(token);
  if (grant === null) throw new Error('not a token of oauthist');
  await waitUntil('the token to be cached', async () => {
    await module.get(TokenService).verifyAccessToken(token);
    return cache.get(grant, tokenField(token)) !== undefined;
  });
}
