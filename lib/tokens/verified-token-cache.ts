import { Inject, Injectable } from '@nestjs/common';
import { TrackedCache } from '../cache/tracked-cache';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { GrantStore } from '../redis/grant-store';
import { InvalidationListener } from '../redis/invalidation-listener';
import type { AccessToken } from './access-token';

/**
 * The opt-in cache of verified access tokens (`tokenCache`): each kept until Redis reports a
 * change to its grant, it expires, or the reports are in doubt. Keyed by the grant and the
 * token's stored hash, never by the token itself.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly cache: TrackedCache<AccessToken> | null = null;

  constructor(
    private readonly store: GrantStore,
    invalidations: InvalidationListener,
    @Inject(OAUTHIST_OPTIONS) options: ResolvedOAuthistOptions,
  ) {
    if (options.tokenCache !== null) {
      this.cache = new TrackedCache(options.tokenCache, invalidations);
      invalidations.register(this.cache);
    }
  }

  /** The entries held now. */
  get size(): number {
    return this.cache?.size ?? 0;
  }

  /** The cached token of `grantId` stored under `field`, if any. */
  get(grantId: string, field: string): AccessToken | undefined {
    return this.cache?.get(grantId + field);
  }

  /**
   * `load` (the token's read from Redis, which throws for a token that is not live), its
   * token kept until it expires at the latest when the cache is on.
   */
  read(grantId: string, field: string, load: () => Promise<AccessToken>): Promise<AccessToken> {
    if (this.cache === null) return load();
    return this.cache.read(grantId + field, [this.store.grantKey(grantId)], load, (token) => ({
      value: token,
      ttlMs: token.expiresAt === null ? undefined : token.expiresAt.getTime() - Date.now(),
    }));
  }
}
