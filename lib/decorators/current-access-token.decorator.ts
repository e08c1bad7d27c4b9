import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ACCESS_TOKEN_PROPERTY } from '../guards/scopes.constants';
import type { AccessToken } from '../tokens/access-token';

/**
 * Hands the verified `AccessToken` of a route protected by `@Scopes()` to the handler.
 * @publicApi
 */
export const CurrentAccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AccessToken | undefined =>
    context.switchToHttp().getRequest<Record<string, AccessToken | undefined>>()[
      ACCESS_TOKEN_PROPERTY
    ],
);
