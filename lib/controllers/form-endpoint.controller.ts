import {
  Body,
  Controller,
  PipeTransform,
  Post,
  Req,
  Res,
  Type,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { OAuthExceptionFilter } from '../filters/oauth-exception.filter';
import { GrantService } from '../grants/grant.service';
import { FormContentTypeGuard } from '../guards/form-content-type.guard';
import type { HttpRequestLike } from '../http/http-request';
import { HttpReply, passThroughReply } from '../http/http-reply';
import { AnswersUnreadableBody } from '../http/unreadable-body';
import { RequestParameters } from '../protocol/request-parameters';
import type { OAuthResponse } from '../responses/oauth-response';
import { unreadableBodyError } from './unreadable-body-error';

/** A loaded request of one of the form endpoints, ready to answer. */
export interface FormEndpointRequest {
  respond(): Promise<OAuthResponse>;
}

/** How an endpoint turns parameters into its request object. */
export type FormEndpointRequestFactory = (
  grants: GrantService,
  parameters: RequestParameters,
) => Promise<FormEndpointRequest>;

/**
 * A POST endpoint taking a form body: the token (RFC 6749 §3.2), revocation (RFC 7009) and
 * introspection (RFC 7662) endpoints differ only in how their body is validated and in their
 * request object.
 */
export function createFormEndpointController(
  name: string,
  path: string,
  validation: PipeTransform | Type<PipeTransform>,
  open: FormEndpointRequestFactory,
): Type<unknown> {
  @Controller()
  @UseFilters(OAuthExceptionFilter)
  class FormEndpointController {
    constructor(private readonly grants: GrantService) {}

    @Post(path)
    @UseGuards(FormContentTypeGuard)
    @AnswersUnreadableBody((problem) => unreadableBodyError(problem).toResponse())
    async answer(
      @Body(validation) _body: object,
      @Req() request: HttpRequestLike,
      @Res({ passthrough: true }) reply: HttpReply,
    ): Promise<string | undefined> {
      const endpointRequest = await open(this.grants, RequestParameters.fromRequest(request));
      return passThroughReply(reply, await endpointRequest.respond());
    }
  }
  // Nest names routes and log lines after the class.
  Object.defineProperty(FormEndpointController, 'name', { value: name });
  return FormEndpointController;
}
