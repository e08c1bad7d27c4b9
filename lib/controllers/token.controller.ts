import { Body, Controller, Post, Req, Res, Type, UseFilters, UseGuards } from '@nestjs/common';
import { TokenRequestDto } from '../dto/token-request.dto';
import { OAuthExceptionFilter } from '../filters/oauth-exception.filter';
import { GrantService } from '../grants/grant.service';
import { HttpRequestLike, RequestParameters } from '../grants/request-parameters';
import { FormContentTypeGuard } from '../guards/form-content-type.guard';
import { OAuthValidationPipe } from '../pipes/oauth-validation.pipe';
import type { HttpReply } from '../responses/http-reply';

/** The token endpoint at `path` (RFC 6749 §3.2): every grant, answered per §5.1 and §5.2. */
export function createTokenController(path: string): Type<unknown> {
  @Controller()
  @UseFilters(OAuthExceptionFilter)
  class TokenController {
    constructor(private readonly grants: GrantService) {}

    @Post(path)
    @UseGuards(FormContentTypeGuard)
    async token(
      @Body(OAuthValidationPipe) _body: TokenRequestDto,
      @Req() request: HttpRequestLike,
      @Res() reply: HttpReply,
    ): Promise<void> {
      const tokenRequest = await this.grants.tokenRequest(RequestParameters.fromRequest(request));
      (await tokenRequest.respond()).writeTo(reply);
    }
  }
  return TokenController;
}
