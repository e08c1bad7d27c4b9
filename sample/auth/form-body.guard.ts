import {
  BadRequestException,
  CanActivate,
  ExecutionContext,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Request } from 'express';

/**
 * The sample's own forms post `application/x-www-form-urlencoded`; anything else is the
 * client's mistake, answered 415 (another type) or 400 (no body) before a handler reads a field
 * of a body that is not there. Nest answers these exceptions without logging them, so a flood
 * of bad requests writes nothing to the log.
 */
@Injectable()
export class FormBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const type = req.headers['content-type'];
    if (typeof type !== 'string' || !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
      throw new UnsupportedMediaTypeException('the form must be application/x-www-form-urlencoded');
    }
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new BadRequestException('the form could not be read');
    }
    return true;
  }
}
