import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { throwError } from 'rxjs';
import { OAuthError } from '../errors';
import type { HttpReply } from '../http/http-reply';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { BEARER_TOKEN_REQUIRED, bearerChallenge } from '../protocol/bearer-challenge';
import { OAuthResponse } from '../responses/oauth-response';
import { InvalidAccessToken } from '../tokens/invalid-access-token';

/**
 * Answers an `OAuthError` that escapes any route of the application, as the RFC names it:
 * RFC 6749 §5.2 JSON with its status, never cached; a refused bearer token (`InvalidAccessToken`)
 * with its RFC 6750 §3 challenge as well. The module installs it for every route, so that a
 * handler written as the manual writes it (check, then exchange) never answers 500 when the
 * exchange refuses. It catches oauthist's error type only; everything else keeps the
 * application's own handling, and a filter of a route or controller still comes first.
 */
@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter<OAuthError> {
  constructor(@Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions) {}

  catch(error: OAuthError, host: ArgumentsHost): unknown {
    const type = host.getType<string>();
    // Microservices expect an observable error; other transports (GraphQL, WebSockets) see the
    // error as they would without this filter.
    if (type === 'rpc') return throwError(() => error);
    if (type !== 'http') throw error;
    this.responseTo(error).writeTo(host.switchToHttp().getResponse<HttpReply>());
    return undefined;
  }

  private responseTo(error: OAuthError): OAuthResponse {
    if (!(error instanceof InvalidAccessToken)) return error.toResponse();
    const missing = error.reason === 'missing';
    const challenge = bearerChallenge(
      this.options.realm,
      missing ? null : error,
      error.requiredScopes,
    );
    // RFC 6750 §3.1: a request with no token at all gets no error code; the guard says the same.
    const body = missing ? { message: BEARER_TOKEN_REQUIRED } : error.toJSON();
    return OAuthResponse.json(error.status, body, { 'WWW-Authenticate': challenge });
  }
}
