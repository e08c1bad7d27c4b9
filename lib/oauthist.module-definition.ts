import { ConfigurableModuleBuilder, Provider } from '@nestjs/common';
import { createControllers } from './controllers/create-controllers';
import { OAUTHIST_ROUTES, resolveRoutes } from './options/resolved-routes';
import type { OAuthistModuleOptions, OAuthistRoutes } from './interfaces';

/**
 * `forRoot()` / `forRootAsync()` come from Nest's builder. The extras are known when the module
 * is defined, before any asynchronous option: `isGlobal` makes the services injectable
 * everywhere; `routes` sets (or turns off) the endpoints' paths, which decorators need up
 * front; `extraProviders` are added to the module's own, which is how an application gives
 * oauthist its `UserCredentialsVerifier`.
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
        // The guard, used in the application's own modules, names the metadata's path.
        exports: [...(definition.exports ?? []), OAUTHIST_ROUTES],
      };
    },
  )
  .build();
