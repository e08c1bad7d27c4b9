import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { AccessToken, CurrentAccessToken, ProtectedResource, Scopes } from '../../lib';
import { whoAmI, WhoAmI } from '../mcp/who-am-i';

/**
 * Resources protected by oauthist's guard, as an application protects its own: tokens bound to
 * ISSUER/api pass, and so do tokens with no audience; a token bound to another resource (the MCP
 * endpoint's) does not.
 */
@Controller('api')
@ProtectedResource('/api', { acceptUnrestricted: true })
export class ApiController {
  @Get('me')
  @Scopes('profile')
  me(@CurrentAccessToken() token: AccessToken): WhoAmI {
    return whoAmI(token);
  }

  @Post('me')
  @HttpCode(200)
  @Scopes('profile')
  meByPost(@CurrentAccessToken() token: AccessToken): WhoAmI {
    return whoAmI(token);
  }

  @Get('admin')
  @Scopes('admin')
  admin(@CurrentAccessToken() token: AccessToken): WhoAmI & { admin: true } {
    return { ...whoAmI(token), admin: true };
  }
}
