import { Controller, Get } from '@nestjs/common';

@Controller()
export class AppController {
  @Get()
  home(): { name: string; metadata: string } {
    return { name: 'oauthist sample', metadata: '/.well-known/oauth-authorization-server' };
  }
}
