import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * Client credentials in a form body (RFC 6749 §2.3.1). Properties keep their wire names.
 * @publicApi
 */
export class ClientAuthenticationDto {
  /** The client identifier. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;

  /** The client secret (client_secret_post). */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_secret?: string;
}
