import { Inject, Injectable } from '@nestjs/common';
import { ClientService } from '../clients/client.service';
import { GrantIds } from '../crypto/grant-ids';
import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { GrantActivity, GrantStore } from '../redis/grant-store';
import { grantIdentity, secondsNow } from '../redis/token-record';
import { UserGrantEntry, UserGrantStore } from '../redis/user-grant-store';
import type { ListGrantsOptions, UserGrant, UserGrantsPage } from './user-grant';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** The longest client id a page may start after: longer than any client id oauthist accepts. */
const MAX_CURSOR = 2048;
/** Stands for "no resource" among a consent's resources, as no resource tag can be `.`. */
const NO_RESOURCE = '.';

/** What an issuance or a consent adds to a user's grants. */
export interface GrantRecord {
  readonly userId: string;
  readonly clientId: string;
  /** The scopes, space-separated. */
  readonly scope: string;
  /** Until when what was issued lives at least, seconds since the epoch; 0: for ever. */
  readonly liveUntil: number;
  /** Whether a token was issued (the grant's last issuance moves). */
  readonly issued: boolean;
  /** For a consent given at the authorization endpoint: its resources' stored tags. */
  readonly consentAudience?: string;
}

/**
 * Each user's grants, that is the clients they gave access to: recorded as tokens are issued
 * and consent given, listed for an account page, and asked whether an earlier consent covers a
 * new request. Every question reads the user's own index and then the grants it names, so its
 * cost follows that user's grants; the index is checked against the grants themselves, so a
 * grant revoked, expired, or of a deleted client drops out when it is next read.
 */
@Injectable()
export class UserGrants {
  constructor(
    private readonly store: UserGrantStore,
    private readonly grants: GrantStore,
    private readonly grantIds: GrantIds,
    private readonly clients: ClientService,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
  ) {}

  record(grant: GrantRecord): Promise<void> {
    return this.store.record(this.grantIds.userTag(grant.userId), grant, secondsNow());
  }

  /** Forgets `userId`'s grant to `clientId` (its tokens are revoked apart). */
  async forget(userId: string, clientId: string): Promise<void> {
    await this.store.forget(this.grantIds.userTag(userId), clientId);
  }

  /** A page of the clients `userId` has live tokens for, in client id order. */
  async list(userId: string, options: ListGrantsOptions = {}): Promise<UserGrantsPage> {
    const { after, limit } = pageOf(options);
    const tag = this.grantIds.userTag(userId);
    const now = secondsNow();
    const grants: UserGrant[] = [];
    let cursor = after;
    do {
      const page = await this.store.page(tag, cursor, limit - grants.length, now);
      const checked = await Promise.all(page.entries.map((entry) => this.check(userId, entry)));
      for (const grant of checked) if (grant !== null) grants.push(grant);
      cursor = page.next;
    } while (cursor !== '' && grants.length < limit);
    return { grants, next: cursor === '' ? null : cursor };
  }

  /**
   * Whether `userId` consented to `clientId` at the authorization endpoint for every one of
   * `scopes` and `resources` (each resource, or no resource when `resources` is empty), and
   * the grant still holds a live token.
   */
  async covers(
    userId: string,
    clientId: string,
    scopes: readonly string[],
    resources: readonly string[],
  ): Promise<boolean> {
    const [entry, activity] = await Promise.all([
      this.store.read(this.grantIds.userTag(userId), clientId),
      this.activityOf(userId, clientId),
    ]);
    const consent = entry?.summary;
    if (activity.liveTokens === 0 || consent?.c === undefined) return false;
    const now = secondsNow();
    if (consent.u !== 0 && consent.u <= now) return false;
    const tags = resources.length === 0 ? [NO_RESOURCE] : this.resourceTags(resources);
    if (tags === null) return false;
    // Each resource by itself: every scope asked for must have been allowed at that resource.
    const { c: consents } = consent;
    return tags.every((tag) => {
      const allowed = Object.hasOwn(consents, tag) ? new Set(consents[tag].split(' ')) : null;
      return allowed !== null && scopes.every((scope) => allowed.has(scope));
    });
  }

  /**
   * The grant an entry names, or `null` when it is not listed: gone (then the entry is
   * forgotten), or a consent whose code is not exchanged yet (kept, or the exchange would find
   * the consent gone; it lapses with the code).
   */
  private async check(userId: string, entry: UserGrantEntry): Promise<UserGrant | null> {
    const [activity, client] = await Promise.all([
      this.activityOf(userId, entry.clientId),
      this.clientOf(entry.clientId),
    ]);
    if (client !== undefined && activity.liveTokens === 0 && activity.pendingCodes > 0) return null;
    if (client === undefined || activity.liveTokens === 0) {
      await this.store.forget(this.grantIds.userTag(userId), entry.clientId, entry.stored);
      return null;
    }
    const { summary } = entry;
    // The grant knows when its code was exchanged or its refresh token last used: those write
    // nothing here.
    const lastIssued = Math.max(summary.l ?? summary.f, activity.lastIssuedAt ?? 0);
    return {
      clientId: entry.clientId,
      client,
      scopes: summary.s === '' ? [] : summary.s.split(' '),
      resources: this.consentedResources(summary.c),
      grantedAt: new Date(summary.f * 1000),
      lastIssuedAt: new Date(lastIssued * 1000),
    };
  }

  private activityOf(userId: string, clientId: string): Promise<GrantActivity> {
    const grantId = this.grantIds.of(clientId, userId);
    return this.grants.activityOf(grantId, grantIdentity(clientId, userId));
  }

  /**
   * The client, `null` for one whose metadata document cannot be read now, or `undefined` for
   * a client that no longer exists.
   */
  private async clientOf(clientId: string): Promise<OAuthClient | null | undefined> {
    try {
      return (await this.clients.get(clientId)) ?? undefined;
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'invalid_client') return null;
      throw error;
    }
  }

  /** The tags of `resources`; `null` when one is not this server's, which no consent covers. */
  private resourceTags(resources: readonly string[]): string[] | null {
    const indicators = this.options.resources;
    if (indicators === null || !resources.every((resource) => indicators.has(resource)))
      return null;
    return indicators.encode(resources).split(' ');
  }

  private consentedResources(
    consents: Readonly<Record<string, string>> | undefined,
  ): (string | null)[] {
    const indicators = this.options.resources;
    const resources: (string | null)[] = [];
    for (const tag of Object.keys(consents ?? {})) {
      if (tag === NO_RESOURCE) resources.push(null);
      else if (indicators !== null) resources.push(...indicators.decode(tag));
    }
    return resources;
  }
}

function pageOf(options: ListGrantsOptions): { after: string; limit: number } {
  const after = options.after ?? '';
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (typeof after !== 'string' || after.length > MAX_CURSOR)
    throw new OAuthError('invalid_request', 'after must be the next of a previous page');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new OAuthError('invalid_request', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return { after, limit };
}
