import { Inject, Injectable } from '@nestjs/common';
import { randomToken } from '../crypto/random-token';
import { sha256 } from '../crypto/sha256';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { GrantStore } from '../redis/grant-store';
import type { AuthorizationPrompt, AuthorizationResponseType } from './authorization-check';

/** What is kept of an authorization request while the user decides. */
export interface PendingAuthorizationData {
  readonly responseType: AuthorizationResponseType;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly redirectUriGiven: boolean;
  readonly scopes: readonly string[];
  /** The resources the token will be for (RFC 8707); absent in a request saved before them. */
  readonly resources?: readonly string[];
  readonly state?: string;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
  /** The known `prompt` values; absent in a request saved before them. */
  readonly prompt?: readonly AuthorizationPrompt[];
  /** The user who grants, when the application knew it on saving. */
  readonly userId?: string;
  /** The other extras. */
  readonly extras: Readonly<Record<string, string>>;
  readonly createdAt: number;
}

/**
 * Authorization requests waiting for the user's answer, kept in Redis under the hash of an
 * unguessable id for `pendingAuthorizationTtl` seconds. Answering takes the request in one
 * step, so that of two answers to one request only one gets it.
 */
@Injectable()
export class PendingAuthorizations {
  constructor(
    private readonly store: GrantStore,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
  ) {}

  /** Saves a request; returns its id, the only moment the id exists outside the user's hands. */
  async save(data: PendingAuthorizationData): Promise<string> {
    const id = randomToken();
    await this.store.savePending(
      sha256(id),
      JSON.stringify(data),
      this.options.pendingAuthorizationTtl,
    );
    return id;
  }

  /** The request waiting under `id`, or `null` (unknown, expired, answered). */
  async read(id: string): Promise<PendingAuthorizationData | null> {
    return parse(await this.store.getPending(sha256(id)));
  }

  /** Takes the request waiting under `id` for answering, or `null` if someone answered first. */
  async take(id: string): Promise<PendingAuthorizationData | null> {
    return parse(await this.store.takePending(sha256(id)));
  }
}

function parse(raw: string | null): PendingAuthorizationData | null {
  return raw === null ? null : (JSON.parse(raw) as PendingAuthorizationData);
}
