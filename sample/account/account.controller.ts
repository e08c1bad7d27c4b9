import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenService } from '../../lib';
import { FormBodyGuard } from '../auth/form-body.guard';
import { allGrantsOf } from './all-grants';
import { sendAccountAppsPage } from '../pages/account-page';
import { sendFormExpiredPage, sendPage } from '../pages/html-page';
import { SessionService } from '../session/session.service';

const PAGE = '/account/apps';
const CLIENT_ID = /^[\x20-\x7e]+$/;
const BACK = `<a href="${PAGE}">Back to your applications</a>.`;

/**
 * The signed-in user's connected applications (`TokenService.listGrants()`), each with a
 * button that revokes what the user gave it (`revokeGrant()`): its tokens stop working at
 * once, and its next authorization asks for consent again.
 */
@Controller('account/apps')
export class AccountController {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.sessions.current(req);
    if (!session) {
      res.redirect(302, `/login?return_to=${encodeURIComponent(PAGE)}`);
      return;
    }
    const grants = await allGrantsOf(this.tokens, session.user);
    sendAccountAppsPage(res, session.user, grants, session.csrf);
  }

  @Post('revoke')
  @UseGuards(FormBodyGuard)
  async revoke(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const session = await this.sessions.ofForm(req, body._csrf);
    if (!session) return sendFormExpiredPage(res, BACK);
    // A client id is visible ASCII (RFC 6749 appendix A.1); anything else names no client.
    if (typeof body.client_id !== 'string' || !CLIENT_ID.test(body.client_id)) {
      sendPage(res, 400, 'Bad request', `<h1>No application was named</h1><p>${BACK}</p>`);
      return;
    }
    // Only the signed-in user's own grant: the session names the user, never the form.
    await this.tokens.revokeGrant(session.user, body.client_id);
    res.redirect(303, PAGE);
  }
}
