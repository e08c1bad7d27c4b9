import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GrantService, OAuthError } from '../../lib';
import type { PendingAuthorization } from '../../lib';
import { sendConsentPage, sendGonePage } from '../pages/consent-page';
import { sendPage } from '../pages/html-page';
import { SessionService } from '../session/session.service';
import { FormBodyGuard } from './form-body.guard';

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
    if (!session) {
      res.redirect(302, `/login?return_to=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    const pending = await this.pendingOf(requestId);
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
    const session = await this.sessions.current(req);
    if (!session || !this.sessions.checkCsrf(session, body._csrf)) {
      sendPage(
        res,
        403,
        'Forbidden',
        '<h1>The form expired</h1><p>Go back to the application and start again.</p>',
      );
      return;
    }
    const pending = await this.pendingOf(body.request_id);
    if (!pending) return sendGonePage(res);
    try {
      const location =
        body.decision === 'allow'
          ? await pending.accept({ user_id: session.user })
          : await pending.decline();
      // The location carries the code (or the refusal) to the client: no cache may keep it.
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, location);
    } catch (error) {
      // Answered in another tab a moment ago.
      if (error instanceof OAuthError && error.error === 'invalid_request')
        return sendGonePage(res);
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
