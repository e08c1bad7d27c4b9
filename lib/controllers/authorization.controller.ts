import { Controller, Get, Post, Req, Res, Type } from '@nestjs/common';
import type { HttpRequestLike } from '../http/http-request';
import { HttpReply, passThroughReply } from '../http/http-reply';
import { AnswersUnreadableBody } from '../http/unreadable-body';
import { AuthorizationEndpoint, authorizationErrorPage } from './authorization-endpoint';
import { unreadableBodyError } from './unreadable-body-error';

/** The authorization endpoint at `path`, by GET and by POST (RFC 6749 §3.1). */
export function createAuthorizationController(path: string): Type<unknown> {
  @Controller()
  class AuthorizationController {
    constructor(private readonly endpoint: AuthorizationEndpoint) {}

    @Get(path)
    @AnswersUnreadableBody((problem, request) =>
      authorizationErrorPage(request, unreadableBodyError(problem)),
    )
    async authorizeByGet(
      @Req() request: HttpRequestLike,
      @Res({ passthrough: true }) reply: HttpReply,
    ): Promise<string | undefined> {
      return passThroughReply(reply, await this.endpoint.answer(request));
    }

    @Post(path)
    @AnswersUnreadableBody((problem, request) =>
      authorizationErrorPage(request, unreadableBodyError(problem)),
    )
    async authorizeByPost(
      @Req() request: HttpRequestLike,
      @Res({ passthrough: true }) reply: HttpReply,
    ): Promise<string | undefined> {
      return passThroughReply(reply, await this.endpoint.answer(request));
    }
  }
  return AuthorizationController;
}
