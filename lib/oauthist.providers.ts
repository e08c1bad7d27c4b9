import type { Provider } from '@nestjs/common';
import { UserCredentialsVerifier } from './credentials/user-credentials-verifier';
import type { OAuthistModuleOptions } from './interfaces';
import { OAUTHIST_OPTIONS } from './oauthist.constants';
import { OAUTHIST_MODULE_OPTIONS } from './oauthist.module-definition';
import { resolveOptions } from './options/resolve-options';
import type { ResolvedOptions } from './options/resolved-options';

/** Validates the options once, at start-up, so that a bad option stops the application early. */
export const resolvedOptionsProvider: Provider = {
  provide: OAUTHIST_OPTIONS,
  useFactory: (options: OAuthistModuleOptions) => resolveOptions(options),
  inject: [OAUTHIST_MODULE_OPTIONS],
};

/**
 * The password grant's verifier: the `passwordVerifier` option, or none (the grant is off).
 * A provider for `UserCredentialsVerifier` in `extraProviders` replaces this one.
 */
export const userCredentialsVerifierProvider: Provider = {
  provide: UserCredentialsVerifier,
  useFactory: (options: ResolvedOptions) => options.passwordVerifier,
  inject: [OAUTHIST_OPTIONS],
};
