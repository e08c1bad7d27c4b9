import type { Provider } from '@nestjs/common';
import type { OAuthistModuleOptions } from './interfaces';
import { OAUTHIST_OPTIONS } from './oauthist.constants';
import { OAUTHIST_MODULE_OPTIONS } from './oauthist.module-definition';
import { resolveOptions } from './options/resolve-options';

/** Validates the options once, at start-up, so that a bad option stops the application early. */
export const resolvedOptionsProvider: Provider = {
  provide: OAUTHIST_OPTIONS,
  useFactory: (options: OAuthistModuleOptions) => resolveOptions(options),
  inject: [OAUTHIST_MODULE_OPTIONS],
};
