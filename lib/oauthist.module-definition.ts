import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OAuthistModuleOptions } from './interfaces';

/**
 * `forRoot()` / `forRootAsync()` come from Nest's builder; `isGlobal` makes the services
 * injectable everywhere without importing the module again.
 */
export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: OAUTHIST_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OAuthistModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
