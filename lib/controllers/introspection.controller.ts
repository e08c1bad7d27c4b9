import { Body, Controller, Post, Req, Res, Type, UseFilters, UseGuards } from '@nestjs/common';
import { TokenLookupRequestDto } from '../dto/token-lookup-request.dto';
import { OAuthExceptionFilter } from '../filters/oauth-exception.filter';
import { GrantService } from '../grants/grant.service';
import { HttpRequestLike, RequestParameters } from '../grants/request-parameters';
import { FormContentTypeGuard } from '../guards/form-content-type.guard';
import { OAuthValidationPipe } from '../pipes/oauth-validation.pipe';
import type { HttpReply } from '../responses/http-reply';

/** The introspection endpoint at `path` (RFC 7662). */
export function createIntrospectionController(path: string): Type<unknown> {
  @Controller()
  @UseFilters(OAuthExceptionFilter)
  class IntrospectionController {
    constructor(private readonly grants: GrantService) {}

    @Post(path)
    @UseGuards(FormContentTypeGuard)
    async introspect(
      @Body(OAuthValidationPipe) _body: TokenLookupRequestDto,
      @Req() request: HttpRequestLike,
      @Res() reply: HttpReply,
    ): Promise<void> {
      const introspection = await this.grants.introspectionRequest(
        RequestParameters.fromRequest(request),
      );
      (await introspection.respond()).writeTo(reply);
    }
  }
  return IntrospectionController;
}
