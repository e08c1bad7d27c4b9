import type { Type } from '@nestjs/common';
import type { ResolvedRoutes } from '../http/resolved-routes';
import { createAuthorizationController } from './authorization.controller';
import { createIntrospectionController } from './introspection.controller';
import { createMetadataController } from './metadata.controller';
import { createRevocationController } from './revocation.controller';
import { createTokenController } from './token.controller';

/** The controllers of the endpoints the routes keep; a route set to `false` gets none. */
export function createControllers(routes: ResolvedRoutes): Type<unknown>[] {
  const factories: [string | false, (path: string) => Type<unknown>][] = [
    [routes.authorize, createAuthorizationController],
    [routes.token, createTokenController],
    [routes.revoke, createRevocationController],
    [routes.introspect, createIntrospectionController],
    [routes.metadata, createMetadataController],
  ];
  return factories.flatMap(([path, create]) => (path === false ? [] : [create(path)]));
}
