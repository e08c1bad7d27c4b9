import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { tokenRequestDtoFor } from '../dto/token-request.dto';
import { GrantTypeRegistry } from '../grants/grant-type.registry';
import { OAuthValidationPipe } from './oauth-validation.pipe';

/**
 * Validates the token endpoint's form body against the parameters of the grant types in the
 * registry, built-in or the application's: each a single string of bounded length, any
 * failure an RFC 6749 §5.2 `invalid_request`.
 */
@Injectable()
export class TokenRequestValidationPipe implements PipeTransform {
  private pipe: OAuthValidationPipe | undefined;

  constructor(private readonly grantTypes: GrantTypeRegistry) {}

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Built on first use: the registry knows the application's grant types once every module
    // is instantiated, after the controllers were defined.
    this.pipe ??= new OAuthValidationPipe(tokenRequestDtoFor(this.grantTypes.parameterNames()));
    return this.pipe.transform(value, metadata);
  }
}
