import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SignedInUserResolver } from '../../lib';
import type { HttpRequestLike } from '../../lib';
import { SessionService } from '../session/session.service';

/**
 * Tells oauthist's authorization endpoint who is signed in, from the sample's session cookie:
 * `prompt=none` and remembered consent are then answered without a page.
 */
@Injectable()
export class SessionUserResolver extends SignedInUserResolver {
  constructor(private readonly sessions: SessionService) {
    super();
  }

  async signedInUser(request: HttpRequestLike): Promise<string | null> {
    // oauthist hands over the framework's own request: under Express, with its parsed cookies.
    const session = await this.sessions.current(request as Request);
    return session?.user ?? null;
  }
}
