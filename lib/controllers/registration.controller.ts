import { Controller, Post, Req, Res, Type, UseFilters } from '@nestjs/common';
import { OAuthError } from '../errors';
import { OAuthExceptionFilter } from '../filters/oauth-exception.filter';
import type { HttpRequestLike } from '../http/http-request';
import { HttpReply, passThroughReply } from '../http/http-reply';
import { AnswersUnreadableBody, UnreadableBody } from '../http/unreadable-body';
import { ClientRegistrationService } from '../registration/client-registration.service';
import { OAuthResponse } from '../responses/oauth-response';

type RoutedRequest = HttpRequestLike & { originalUrl?: string; url?: string };

/**
 * What the framework answers where no route is: the route is declared up front, but whether
 * registration is on is an option, which `forRootAsync()` knows only at start-up.
 */
function notRouted(request: RoutedRequest): OAuthResponse {
  const path = request.originalUrl ?? request.url ?? '';
  const body = { message: `Cannot POST ${path}`, error: 'Not Found', statusCode: 404 };
  return new OAuthResponse(
    404,
    { 'Content-Type': 'application/json; charset=utf-8' },
    JSON.stringify(body),
  );
}

/** RFC 7591 §3.1: the metadata is a JSON document. */
function isJson(request: HttpRequestLike): boolean {
  const type = request.headers?.['content-type'];
  return typeof type === 'string' && /^application\/json\s*(;|$)/i.test(type);
}

/**
 * A body the parsers refused is a registration error (RFC 7591 §3.2.2: 400), but one too large
 * keeps its 413, which tells the client that sending it again is futile.
 */
function unreadableMetadata(problem: UnreadableBody): OAuthError {
  if (problem.status === 413) {
    return new OAuthError('invalid_client_metadata', 'the client metadata is too large', {
      status: 413,
    });
  }
  if (problem.status === 415) {
    return new OAuthError(
      'invalid_client_metadata',
      'the client metadata must be sent as application/json (RFC 7591 §3.1)',
    );
  }
  return new OAuthError('invalid_client_metadata', 'the client metadata is not valid JSON');
}

/** The dynamic client registration endpoint (RFC 7591 §3) at `path`. */
export function createRegistrationController(path: string): Type<unknown> {
  // Set once the controller exists: the answer to an unreadable body is declared before.
  let enabled = false;

  @Controller()
  @UseFilters(OAuthExceptionFilter)
  class RegistrationController {
    constructor(private readonly registration: ClientRegistrationService) {
      enabled = registration.enabled;
    }

    @Post(path)
    @AnswersUnreadableBody((problem, request) =>
      enabled ? unreadableMetadata(problem).toResponse() : notRouted(request),
    )
    async register(
      @Req() request: RoutedRequest,
      @Res({ passthrough: true }) reply: HttpReply,
    ): Promise<string | undefined> {
      if (!this.registration.enabled) return passThroughReply(reply, notRouted(request));
      if (!isJson(request)) {
        throw new OAuthError(
          'invalid_client_metadata',
          'the client metadata must be sent as application/json (RFC 7591 §3.1)',
        );
      }
      const header = request.headers?.authorization;
      const { information } = await this.registration.register({
        metadata: request.body,
        authorization: Array.isArray(header) ? header[0] : header,
        sourceAddress: request.ip ?? request.socket?.remoteAddress,
      });
      return passThroughReply(reply, OAuthResponse.json(201, information));
    }
  }
  return RegistrationController;
}
