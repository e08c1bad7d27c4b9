import type { Provider } from '@nestjs/common';
import { OAuthistModuleRootOptions, UserCredentialsVerifier } from '../../lib';

/** What `OAuthistModule.forRoot()` takes: the options and the module's extras. */
export type ModuleOptions = OAuthistModuleRootOptions;

/** The extras that give oauthist a password verifier, as an application does. */
export function withVerifier(verifier: UserCredentialsVerifier): { extraProviders: Provider[] } {
  return { extraProviders: [{ provide: UserCredentialsVerifier, useValue: verifier }] };
}
