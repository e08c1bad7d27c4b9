import { Injectable, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { OAuthError } from '../errors';

function describe(error: ValidationError | undefined): string {
  if (error === undefined) return 'the request parameters are malformed';
  if (error.constraints?.isString) {
    return `${error.property} is repeated or malformed (RFC 6749 §3.2)`;
  }
  if (error.constraints?.maxLength) return `${error.property} is too long`;
  return `${error.property} is malformed`;
}

/**
 * Validates a form body against its DTO; every failure (a repeated parameter, a value that is
 * not a string, one too long) becomes an RFC-shaped `invalid_request`, never Nest's default
 * 400 body. Unknown parameters are ignored, as RFC 6749 §3.1 requires.
 * @publicApi
 */
@Injectable()
export class OAuthValidationPipe extends ValidationPipe {
  /** `dto`: the class to validate against when the parameter's own type does not say. */
  constructor(dto?: Type<object>) {
    super({
      expectedType: dto,
      whitelist: true,
      forbidUnknownValues: false,
      exceptionFactory: (errors) => new OAuthError('invalid_request', describe(errors[0])),
    });
  }
}
