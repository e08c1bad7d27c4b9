import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { AccessToken, CurrentAccessToken, ProtectedResource, Scopes } from '../../lib';

interface TokenOwner {
  user_id: string | null;
  client_id: string | null;
  scope: string;
}

function ownerOf(token: AccessToken): TokenOwner {
  return { user_id: token.userId ?? null, client_id: token.clientId, scope: token.scope };
}

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
  me(@CurrentAccessToken() token: AccessToken): TokenOwner {
    return ownerOf(token);
  }

  @Post('me')
  @HttpCode(200)
  @Scopes('profile')
  meByPost(@CurrentAccessToken() token: AccessToken): TokenOwner {
    return ownerOf(token);
  }

  @Get('admin')
  @Scopes('admin')
  admin(@CurrentAccessToken() token: AccessToken): TokenOwner & { admin: true } {
    return { ...ownerOf(token), admin: true };
  }
}
