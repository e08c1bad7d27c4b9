import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ClientAuthenticationDto } from './client-authentication.dto';

/**
 * The form body of a revocation (RFC 7009 §2.1) or introspection (RFC 7662 §2.1) request.
 * @publicApi
 */
export class TokenLookupRequestDto extends ClientAuthenticationDto {
  /** The token to revoke or introspect. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  token?: string;

  /** A hint of the token's type; oauthist issues access tokens only, so it changes nothing. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  token_type_hint?: string;
}
