import { Controller, Get, Post, Req, Res, Type } from '@nestjs/common';
import type { HttpRequestLike } from '../grants/request-parameters';
import { AuthorizationEndpoint, authorizationErrorPage } from '../http/authorization-endpoint';
import { AnswersUnreadableBody } from '../http/unreadable-body';
import type { HttpReply } from '../responses/http-reply';

/** The authorization endpoint at `path`, by GET and by POST (RFC 6749 §3.1). */
export function createAuthorizationController(path: string): Type<unknown> {
  @Controller()
  class AuthorizationController {
    constructor(private readonly endpoint: AuthorizationEndpoint) {}

    @Get(path)
    @AnswersUnreadableBody((error, request) => authorizationErrorPage(request, error))
    async authorizeByGet(@Req() request: HttpRequestLike, @Res() reply: HttpReply): Promise<void> {
      (await this.endpoint.answer(request)).writeTo(reply);
    }

    @Post(path)
    @AnswersUnreadableBody((error, request) => authorizationErrorPage(request, error))
    async authorizeByPost(@Req() request: HttpRequestLike, @Res() reply: HttpReply): Promise<void> {
      (await this.endpoint.answer(request)).writeTo(reply);
    }
  }
  return AuthorizationController;
}
