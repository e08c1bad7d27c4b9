import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ClientAuthenticationDto } from './client-authentication.dto';

/**
 * The form body of a token request (RFC 6749 §4.1.3, §4.3.2, §4.4.2). Every parameter is a
 * single string; what each grant requires is checked by the grant.
 * @publicApi
 */
export class TokenRequestDto extends ClientAuthenticationDto {
  /** `authorization_code`, `password` or `client_credentials`. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  grant_type?: string;

  /** The authorization code. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  code?: string;

  /** The redirection URI of the authorization request. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  redirect_uri?: string;

  /** The PKCE code verifier (RFC 7636 §4.5). */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  code_verifier?: string;

  /** The resource owner's name (password grant). */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  username?: string;

  /** The resource owner's password (password grant). */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  /** The scope asked for. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  scope?: string;
}
