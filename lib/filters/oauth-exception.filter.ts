import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { OAuthError } from '../errors';
import type { HttpReply } from '../http/http-reply';

/**
 * Renders what goes wrong at the token, revocation and introspection endpoints as RFC 6749
 * §5.2 JSON, never cached: an `OAuthError` as it is, a 4xx HTTP error of the framework as
 * `invalid_request` with its status, anything else as `server_error` (logged here, with no
 * detail sent to the client). A body the parsers refuse fails before routing, where no
 * controller's filter sees it: `UnreadableBodyAnswers` answers those.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('oauthist');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<HttpReply>();
    this.toOAuthError(exception).toResponse().writeTo(reply);
  }

  private toOAuthError(exception: unknown): OAuthError {
    if (exception instanceof OAuthError) return exception;
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return new OAuthError('invalid_request', exception.message, {
        status: exception.getStatus(),
      });
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return new OAuthError('server_error', 'the authorization server failed; try again later');
  }
}
