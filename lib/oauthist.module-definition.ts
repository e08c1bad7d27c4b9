import { ConfigurableModuleBuilder, Provider } from '@nestjs/common';
import { createControllers } from './controllers/create-controllers';
import { resolveRoutes } from './http/resolved-routes';
import type { OAuthistModuleOptions, OAuthistRoutes } from './interfaces';
import { OAUTHIST_ROUTES } from './oauthist.constants';

/**
 * `forRoot()` / `forRootAsync()` come from Nest's builder. The extras are known when the module
 * is defined, before any asynchronous option: `isGlobal` makes the services injectable
 * everywhere; `routes` sets (or turns off) the endpoints' paths, which decorators need up
 * front; `extraProviders` are added to the module's own, which is how an application puts its
 * `UserCredentialsVerifier` in place of oauthist's.
 */
export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: OAUTHIST_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OAuthistModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras(
    { isGlobal: false, extraProviders: [] as Provider[], routes: {} as OAuthistRoutes },
    (definition, extras) => {
      const routes = resolveRoutes(extras.routes);
      return {
        ...definition,
        global: extras.isGlobal,
        controllers: [...(definition.controllers ?? []), ...createControllers(routes)],
        providers: [
          ...(definition.providers ?? []),
          { provide: OAUTHIST_ROUTES, useValue: routes },
          ...extras.extraProviders,
        ],
      };
    },
  )
  .build();
