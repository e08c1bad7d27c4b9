import { Inject, Injectable } from '@nestjs/common';
import type { CacheFill } from '../cache/tracked-cache';
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

  /** Whether the cache is on. */
  get enabled(): boolean {
    return this.cache !== null;
  }

  /** The entries held now. */
  get size(): number {
    return this.cache?.size ?? 0;
  }

  /** The cached token of `grantId` stored under `field`, if any. */
  get(grantId: string, field: string): AccessToken | undefined {
    return this.cache?.get(grantId + field);
  }

  /** To call before reading the token from Redis; `null`: what is read may not be kept. */
  beginFill(grantId: string): CacheFill | null {
    return this.cache?.beginFill([this.store.grantKey(grantId)]) ?? null;
  }

  /** Keeps `token` (a live one; `undefined`: nothing) until it expires at the latest. */
  endFill(fill: CacheFill, grantId: string, field: string, token: AccessToken | undefined): void {
    const ttlMs = token?.expiresAt == null ? undefined : token.expiresAt.getTime() - Date.now();
    this.cache?.endFill(fill, grantId + field, token, ttlMs);
  }
}
