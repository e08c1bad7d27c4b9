import { ConfigurableModuleBuilder, Provider } from '@nestjs/common';
import type { OAuthistModuleOptions } from './interfaces';

/**
 * `forRoot()` / `forRootAsync()` come from Nest's builder. `isGlobal` makes the services
 * injectable everywhere; `extraProviders` are added to the module's own, which is how an
 * application puts its `UserCredentialsVerifier` in place of oauthist's.
 */
export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: OAUTHIST_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OAuthistModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false, extraProviders: [] as Provider[] }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [...(definition.providers ?? []), ...extras.extraProviders],
  }))
  .build();
