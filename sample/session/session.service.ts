import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import type { Cluster, Redis } from 'ioredis';
import { SAMPLE_CONFIG, SAMPLE_REDIS } from '../sample.tokens';
import type { SampleConfig } from '../sample-config';

/** A signed-in browser session: the user, when they signed in, and the CSRF token of its forms. */
export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly user: string;
  /** When the user signed in, ms since the epoch. */
  readonly signedInAt: number;
}

const COOKIE = 'oauthist_session';
const LOGIN_CSRF_COOKIE = 'oauthist_login_csrf';
const TTL_SECONDS = 3600;
const RANDOM = /^[A-Za-z0-9_-]{43}$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function sameSecret(a: string, b: unknown): boolean {
  return typeof b === 'string' && timingSafeEqual(digest(a), digest(b));
}

function cookieOf(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown>)[name];
  return typeof value === 'string' && RANDOM.test(value) ? value : undefined;
}

/**
 * Browser sessions of the sample, kept in Redis under the oauthist prefix (only a hash of the
 * session id is in the key), for signed-in users only: a visitor who has not signed in makes
 * Redis hold nothing. The sign-in form's CSRF token is a cookie of its own instead (double
 * submit). Cookies are HttpOnly, SameSite=Lax, and Secure over HTTPS (behind a proxy, with
 * TRUST_PROXY set); forms also carry a CSRF token, which SameSite alone would not replace.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(SAMPLE_REDIS) private readonly redis: Redis | Cluster,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
  ) {}

  /** The signed-in session of the request, or `null`; never creates one. */
  async current(req: Request): Promise<Session | null> {
    const id = cookieOf(req, COOKIE);
    if (id === undefined) return null;
    const stored = await this.redis.get(this.key(id));
    if (stored === null) return null;
    const { csrf, user, at } = JSON.parse(stored) as { csrf: string; user: string; at?: number };
    // A session stored before sign-in times were kept counts as the oldest.
    return { id, csrf, user, signedInAt: at ?? 0 };
  }

  /** The sign-in form's CSRF token: the browser's own if it has one, else a new cookie. */
  loginCsrf(req: Request, res: Response): string {
    const existing = cookieOf(req, LOGIN_CSRF_COOKIE);
    if (existing !== undefined) return existing;
    const token = randomBytes(32).toString('base64url');
    res.cookie(LOGIN_CSRF_COOKIE, token, this.cookieOptions(req));
    return token;
  }

  /** Whether the sign-in form's token matches the browser's cookie, in constant time. */
  checkLoginCsrf(req: Request, token: unknown): boolean {
    const cookie = cookieOf(req, LOGIN_CSRF_COOKIE);
    return cookie !== undefined && sameSecret(cookie, token);
  }

  /** A new session for `user`, replacing any the browser had (a new id defeats fixation). */
  async signIn(req: Request, res: Response, user: string): Promise<Session> {
    const old = cookieOf(req, COOKIE);
    if (old !== undefined) await this.redis.del(this.key(old));
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      user,
      signedInAt: Date.now(),
    };
    await this.redis.set(
      this.key(session.id),
      JSON.stringify({ csrf: session.csrf, user, at: session.signedInAt }),
      'EX',
      TTL_SECONDS,
    );
    res.cookie(COOKIE, session.id, this.cookieOptions(req));
    res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
    return session;
  }

  /** Ends the session. */
  async signOut(res: Response, session: Session): Promise<void> {
    await this.redis.del(this.key(session.id));
    res.clearCookie(COOKIE, { path: '/' });
  }

  /** The signed-in session that sent a form, or `null` unless the form carries its CSRF token. */
  async ofForm(req: Request, token: unknown): Promise<Session | null> {
    const session = await this.current(req);
    return session !== null && this.checkCsrf(session, token) ? session : null;
  }

  /** Whether `token` is the session's CSRF token, compared in constant time. */
  checkCsrf(session: Session, token: unknown): boolean {
    return sameSecret(session.csrf, token);
  }

  private cookieOptions(req: Request): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'lax',
      // req.secure reads X-Forwarded-Proto only from the proxies TRUST_PROXY names.
      secure: req.secure,
      path: '/',
      maxAge: TTL_SECONDS * 1000,
    };
  }

  private key(id: string): string {
    return `${this.config.prefix}:sample:session:${createHash('sha256').update(id).digest('base64url')}`;
  }
}
