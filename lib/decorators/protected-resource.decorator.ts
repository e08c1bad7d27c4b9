import { SetMetadata } from '@nestjs/common';
import { PROTECTED_RESOURCE_METADATA } from '../guards/scopes.constants';
import type {
  ProtectedResourceOptions,
  ProtectedResourceTarget,
} from '../resources/protected-resource-target';

/**
 * Names the resource a route or controller is (RFC 8707): beside `@Scopes()`, only a token
 * whose audience includes `resource` (one of the `resources` option; a path such as `/mcp` is
 * taken under the `issuer`, as there) passes, so that a token
 * issued for another resource cannot be replayed here. A protected route without it takes only
 * tokens with no audience.
 * @publicApi
 */
export function ProtectedResource(
  resource: string,
  options: ProtectedResourceOptions = {},
): MethodDecorator & ClassDecorator {
  return SetMetadata<string, ProtectedResourceTarget>(PROTECTED_RESOURCE_METADATA, {
    resource,
    acceptUnrestricted: options.acceptUnrestricted === true,
  });
}
