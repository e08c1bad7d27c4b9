import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OAuthError, SignInLimiter } from '../../lib';
import { sendLoginPage } from '../pages/login-page';
import { sendFormExpiredPage } from '../pages/html-page';
import { SessionService } from '../session/session.service';
import { safeReturnPath } from './safe-return-path';
import { SampleUsers } from './sample-users';
import { FormBodyGuard } from './form-body.guard';

/** The sample's sign-in page: the application, not oauthist, owns its users. */
@Controller()
export class LoginController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: SampleUsers,
    private readonly signIns: SignInLimiter,
  ) {}

  @Get('login')
  async form(
    @Req() req: Request,
    @Res() res: Response,
    @Query('return_to') returnTo: unknown,
  ): Promise<void> {
    // No session until someone signs in: the form's CSRF token is a cookie of its own.
    sendLoginPage(res, {
      csrf: this.sessions.loginCsrf(req, res),
      returnTo: safeReturnPath(returnTo),
    });
  }

  @Post('login')
  @UseGuards(FormBodyGuard)
  async signIn(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const returnTo = safeReturnPath(body.return_to);
    if (!this.sessions.checkLoginCsrf(req, body._csrf)) {
      return sendFormExpiredPage(res, '<a href="/login">Sign in again</a>.');
    }
    const username = typeof body.username === 'string' ? body.username : '';
    // The password grant's counters: guesses here and at the token endpoint are one budget.
    const attempt = this.signIns.begin(username, req);
    try {
      await attempt.admitted();
      const user = this.users.check(
        username,
        typeof body.password === 'string' ? body.password : '',
      );
      if (user === null) {
        attempt.fail();
        sendLoginPage(
          res,
          { csrf: body._csrf as string, returnTo, error: 'Wrong username or password.', username },
          401,
        );
        return;
      }
      attempt.succeed();
      await this.sessions.signIn(req, res, user);
      res.redirect(303, returnTo);
    } catch (error) {
      if (!(error instanceof OAuthError) || error.status !== 429) throw error;
      const retryAfter = error.headers['Retry-After'];
      res.setHeader('Retry-After', retryAfter);
      sendLoginPage(
        res,
        {
          csrf: body._csrf as string,
          returnTo,
          error: `Too many failed sign-ins for this name; try again in ${retryAfter} s.`,
          username,
        },
        429,
      );
    } finally {
      attempt.end();
    }
  }

  @Post('logout')
  @UseGuards(FormBodyGuard)
  async signOut(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const session = await this.sessions.ofForm(req, body._csrf);
    if (session) await this.sessions.signOut(res, session);
    res.redirect(303, '/');
  }
}
