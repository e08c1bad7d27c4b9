import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ScopesGuard } from '../guards/scopes.guard';
import { SCOPES_METADATA } from '../guards/scopes.constants';

/**
 * Protects a route or a controller: a bearer token holding *any* of `scopes` is required
 * (with none listed, any live token will do). A route without `@Scopes()` stays public.
 * @publicApi
 */
export function Scopes(...scopes: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(SCOPES_METADATA, scopes), UseGuards(ScopesGuard));
}
