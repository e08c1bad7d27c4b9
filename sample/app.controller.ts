import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { escapeHtml, sendPage } from './pages/html-page';
import { SessionService } from './session/session.service';

/** The sample's home page: who is signed in, and where the endpoints are. */
@Controller()
export class AppController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.sessions.current(req);
    const who = session
      ? `<p>Signed in as <strong>${escapeHtml(session.user)}</strong>. <a href="/account/apps">Applications with access to your account</a></p>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(session.csrf)}"><button type="submit">Sign out</button></form>`
      : '<p><a href="/login">Sign in</a></p>';
    sendPage(
      res,
      200,
      'oauthist sample',
      `<h1>oauthist sample authorization server</h1>
${who}
<p>Metadata: <a href="/.well-known/oauth-authorization-server">/.well-known/oauth-authorization-server</a></p>`,
    );
  }
}
