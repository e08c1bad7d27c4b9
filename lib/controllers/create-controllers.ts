import type { Type } from '@nestjs/common';
import { TokenLookupRequestDto } from '../dto/token-lookup-request.dto';
import { OAuthValidationPipe } from '../pipes/oauth-validation.pipe';
import { TokenRequestValidationPipe } from '../pipes/token-request-validation.pipe';
import type { ResolvedRoutes } from '../options/resolved-routes';
import { createAuthorizationController } from './authorization.controller';
import { createFormEndpointController } from './form-endpoint.controller';
import { createMetadataController } from './metadata.controller';
import { createRegistrationController } from './registration.controller';

/** The controllers of the endpoints the routes keep; a route set to `false` gets none. */
export function createControllers(routes: ResolvedRoutes): Type<unknown>[] {
  const factories: [string | false, (path: string) => Type<unknown>][] = [
    [routes.authorize, createAuthorizationController],
    [
      routes.token,
      (path) =>
        createFormEndpointController(
          'TokenController',
          path,
          TokenRequestValidationPipe,
          (grants, parameters) => grants.endpointTokenRequest(parameters),
        ),
    ],
    [
      routes.revoke,
      (path) =>
        createFormEndpointController(
          'RevocationController',
          path,
          new OAuthValidationPipe(TokenLookupRequestDto),
          (grants, parameters) => grants.revocationRequest(parameters),
        ),
    ],
    [
      routes.introspect,
      (path) =>
        createFormEndpointController(
          'IntrospectionController',
          path,
          new OAuthValidationPipe(TokenLookupRequestDto),
          (grants, parameters) => grants.introspectionRequest(parameters),
        ),
    ],
    [routes.metadata, createMetadataController],
    [routes.register, createRegistrationController],
  ];
  return factories.flatMap(([path, create]) => (path === false ? [] : [create(path)]));
}
