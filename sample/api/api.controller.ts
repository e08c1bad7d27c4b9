import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { AccessToken, CurrentAccessToken, Scopes } from '../../lib';

interface TokenOwner {
  user_id: string | null;
  client_id: string | null;
  scope: string;
}

function ownerOf(token: AccessToken): TokenOwner {
  return { user_id: token.userId ?? null, client_id: token.clientId, scope: token.scope };
}

/** Resources protected by oauthist's guard, as an application protects its own. */
@Controller('api')
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
