import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GrantService, OAuthError } from '../../lib';
import type { PendingAuthorization } from '../../lib';
import { sendConsentPage, sendGonePage } from '../pages/consent-page';
import { sendFormExpiredPage } from '../pages/html-page';
import { Session, SessionService } from '../session/session.service';
import { FormBodyGuard } from './form-body.guard';

/** The request was answered (in another tab, a moment ago) or expired meanwhile. */
function isAnswered(error: unknown): boolean {
  return error instanceof OAuthError && error.error === 'invalid_request';
}

/** Whether the request asks for a sign-in that the session, older than it, is not. */
function mustSignInAgain(pending: PendingAuthorization, session: Session | null): boolean {
  return (
    session !== null &&
    pending.prompt.includes('login') &&
    session.signedInAt < pending.createdAt.getTime()
  );
}

/** Sends the browser back to the client; the location carries a code or a refusal. */
function redirectToClient(res: Response, location: string): void {
  // No cache may keep the code.
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(303, location);
}

/**
 * The consent page oauthist's authorization endpoint sends users to (the `consentUrl` option):
 * it signs the user in if needed, shows who asks for what, and answers the pending request.
 */
@Controller('consent')
export class ConsentController {
  constructor(
    private readonly grants: GrantService,
    private readonly sessions: SessionService,
  ) {}

  @Get()
  async ask(
    @Req() req: Request,
    @Res() res: Response,
    @Query('request_id') requestId: unknown,
  ): Promise<void> {
    const session = await this.sessions.current(req);
    const pending = await this.pendingOf(requestId);
    // prompt=login: whoever signed in before the request must sign in again (OpenID Connect
    // Core 1.0 §3.1.2.1); prompt=none never reaches a sign-in page.
    if (pending && mustSignInAgain(pending, session)) {
      res.redirect(302, `/login?return_to=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (pending) {
      // Back from the sign-in page, the user may turn out to have allowed this already (or the
      // request says prompt=none): then no page, straight back to the client.
      const answer = await this.answerWithoutPage(pending, session?.user ?? null);
      if (answer === 'gone') return sendGonePage(res);
      if (answer !== null) return redirectToClient(res, answer);
    }
    if (!session) {
      res.redirect(302, `/login?return_to=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (!pending) return sendGonePage(res);
    sendConsentPage(res, pending, session.user, session.csrf);
  }

  @Post()
  @UseGuards(FormBodyGuard)
  async answer(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const session = await this.sessions.ofForm(req, body._csrf);
    if (!session) return sendFormExpiredPage(res, 'Go back to the application and start again.');
    const pending = await this.pendingOf(body.request_id);
    if (!pending) return sendGonePage(res);
    try {
      const location =
        body.decision === 'allow'
          ? await pending.accept({ user_id: session.user })
          : await pending.decline();
      redirectToClient(res, location);
    } catch (error) {
      if (isAnswered(error)) return sendGonePage(res);
      throw error;
    }
  }

  /** `answerWithoutPage()`, or `'gone'` when another tab answered the request a moment ago. */
  private async answerWithoutPage(
    pending: PendingAuthorization,
    user: string | null,
  ): Promise<string | null | 'gone'> {
    try {
      return await pending.answerWithoutPage(user);
    } catch (error) {
      if (isAnswered(error)) return 'gone';
      throw error;
    }
  }

  /**
   * The request waiting under `id`, or `null`: unknown, expired, answered, or its client's
   * metadata document can no longer be read (the user must start again either way).
   */
  private async pendingOf(id: unknown): Promise<PendingAuthorization | null> {
    if (typeof id !== 'string') return null;
    try {
      return await this.grants.getPendingAuthorization(id);
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'invalid_client') return null;
      throw error;
    }
  }
}
