import type { IssuedAccessToken } from '../../lib';
import { codeFlow, refresh } from './flows';
import { runMany } from './measure';
import type { OauthistInstance } from './oauthist';

/**
 * Live refresh-token families, each held at its current refresh token, so that every refresh
 * measured is a real rotation: a refresh takes a family's current token out of the pool and puts
 * back the one the refresh returned. Presenting a token twice would be a replay, which ends the
 * family, and would measure revocation instead of the grant.
 *
 * The pool is a queue, so the families take turns: with far more of them than refreshes in
 * flight, no refresh waits for another of its family, and each grant's hash (which keeps every
 * access token until it expires) grows by one token per turn rather than by one per refresh of
 * the run, as it would if one family took them all.
 */
export class RefreshPool {
  private head = 0;
  private size: number;
  private count = 0;

  private constructor(
    private readonly oauthist: OauthistInstance,
    private readonly ring: string[],
  ) {
    this.size = ring.length;
  }

  /**
   * `families` families, each from a whole authorization-code flow of a fresh user, as a
   * client gets its first refresh token.
   */
  static async start(oauthist: OauthistInstance, families: number): Promise<RefreshPool> {
    const tokens: string[] = [];
    await runMany(families, 64, async () => {
      tokens.push(refreshTokenOf(await codeFlow(oauthist.grants, oauthist.client)));
    });
    return new RefreshPool(oauthist, tokens);
  }

  /** Families in the pool. */
  get families(): number {
    return this.ring.length;
  }

  /** Refreshes done so far, all of them rotations. */
  get refreshes(): number {
    return this.count;
  }

  /** One refresh of the family whose turn it is; its new refresh token goes back in the pool. */
  async refresh(): Promise<IssuedAccessToken> {
    const issued = await refresh(this.oauthist.grants, this.oauthist.client, this.take());
    this.put(refreshTokenOf(issued));
    this.count++;
    return issued;
  }

  private take(): string {
    // Only a pool smaller than the refreshes in flight runs dry: a benchmark's mistake.
    if (this.size === 0) throw new Error('bench: every refresh-token family is in use');
    const token = this.ring[this.head];
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    return token;
  }

  private put(token: string): void {
    this.ring[(this.head + this.size) % this.ring.length] = token;
    this.size++;
  }
}

/** The refresh token issued with an access token; a grant that issued none is a failure here. */
function refreshTokenOf(issued: IssuedAccessToken): string {
  if (issued.refreshToken === undefined)
    throw new Error('bench: no refresh token came with the access token (no rotation?)');
  return issued.refreshToken;
}
