import type { Type } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ClientAuthenticationDto } from './client-authentication.dto';

/** Parameters longer than this are refused; a few known ones have tighter bounds below. */
const DEFAULT_MAX_LENGTH = 2048;

const MAX_LENGTHS: Readonly<Record<string, number>> = {
  grant_type: 256,
  code: 256,
  // RFC 7636 §4.1: 43 to 128 characters; the grant itself reports the lower bound.
  code_verifier: 128,
  username: 1024,
  password: 1024,
};

/**
 * The DTO of a token request's form body for the grant types the server has: every parameter
 * any of them reads is an optional single string of bounded length (what each grant requires
 * is checked by the grant). Built from the grant type registry, so an application's own grant
 * type is validated like a built-in one.
 */
export function tokenRequestDtoFor(parameters: readonly string[]): Type<object> {
  class TokenRequestDto extends ClientAuthenticationDto {}
  for (const name of parameters) {
    if (name === 'client_id' || name === 'client_secret') continue;
    IsOptional()(TokenRequestDto.prototype, name);
    IsString()(TokenRequestDto.prototype, name);
    MaxLength(MAX_LENGTHS[name] ?? DEFAULT_MAX_LENGTH)(TokenRequestDto.prototype, name);
  }
  return TokenRequestDto;
}
