import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Cluster, Redis } from 'ioredis';
import { SAMPLE_CONFIG, SAMPLE_REDIS } from '../sample.tokens';
import type { SampleConfig } from '../sample-config';

/** What a browser session holds: a CSRF token, and the user once signed in. */
export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly user?: string;
}

const COOKIE = 'oauthist_session';
const TTL_SECONDS = 3600;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Browser sessions of the sample, kept in Redis under the oauthist prefix (only a hash of the
 * session id is in the key). The cookie is HttpOnly and SameSite=Lax; forms also carry a CSRF
 * token bound to the session, which SameSite alone would not replace.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(SAMPLE_REDIS) private readonly redis: Redis | Cluster,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
  ) {}

  /** The request's session, or a new anonymous one (with its cookie set). */
  async load(req: Request, res: Response): Promise<Session> {
    const id = (req.cookies as Record<string, string | undefined>)[COOKIE];
    if (typeof id === 'string' && /^[A-Za-z0-9_-]{43}$/.test(id)) {
      const stored = await this.redis.get(this.key(id));
      if (stored !== null) return { id, ...(JSON.parse(stored) as Omit<Session, 'id'>) };
    }
    return this.start(req, res, undefined);
  }

  /** Replaces the session with a new one for `user` (a new id defeats session fixation). */
  async signIn(req: Request, res: Response, old: Session, user: string): Promise<Session> {
    await this.redis.del(this.key(old.id));
    return this.start(req, res, user);
  }

  /** Ends the session. */
  async signOut(res: Response, session: Session): Promise<void> {
    await this.redis.del(this.key(session.id));
    res.clearCookie(COOKIE, { path: '/' });
  }

  /** Whether `token` is the session's CSRF token, compared in constant time. */
  checkCsrf(session: Session, token: unknown): boolean {
    return typeof token === 'string' && timingSafeEqual(digest(session.csrf), digest(token));
  }

  private async start(req: Request, res: Response, user: string | undefined): Promise<Session> {
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      user,
    };
    await this.redis.set(
      this.key(session.id),
      JSON.stringify({ csrf: session.csrf, user }),
      'EX',
      TTL_SECONDS,
    );
    res.cookie(COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: TTL_SECONDS * 1000,
    });
    return session;
  }

  private key(id: string): string {
    return `${this.config.prefix}:sample:session:${createHash('sha256').update(id).digest('base64url')}`;
  }
}
