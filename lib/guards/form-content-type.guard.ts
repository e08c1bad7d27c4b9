import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { OAuthError } from '../errors';
import type { HttpRequestLike } from '../http/http-request';

/**
 * The token, revocation and introspection endpoints take `application/x-www-form-urlencoded`
 * bodies only (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1): anything else is `invalid_request`.
 */
@Injectable()
export class FormContentTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const type = context.switchToHttp().getRequest<HttpRequestLike>().headers?.['content-type'];
    if (typeof type === 'string' && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type))
      return true;
    throw new OAuthError(
      'invalid_request',
      'the body must be application/x-www-form-urlencoded (RFC 6749 §3.2)',
    );
  }
}
