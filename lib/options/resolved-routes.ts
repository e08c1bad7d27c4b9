import { OAuthistConfigurationError } from '../errors';
import type { OAuthistRoutes } from '../interfaces';

/**
 * Injection token of the endpoint paths the module serves (`ResolvedRoutes`).
 * @publicApi
 */
export const OAUTHIST_ROUTES = Symbol('OAUTHIST_ROUTES');

/**
 * Every endpoint's path, or `false` when it is left out.
 * @publicApi
 */
export type ResolvedRoutes = Readonly<Record<keyof OAuthistRoutes, string | false>>;

const DEFAULT_ROUTES: ResolvedRoutes = {
  authorize: '/oauth/authorize',
  token: '/oauth/token',
  revoke: '/oauth/revoke',
  introspect: '/oauth/introspect',
  metadata: '/.well-known/oauth-authorization-server',
  protectedResourceMetadata: '/.well-known/oauth-protected-resource',
  register: '/oauth/register',
};

/** The `routes` extra with defaults filled in; a path must start with `/`. */
export function resolveRoutes(routes: OAuthistRoutes | undefined): ResolvedRoutes {
  const resolved: Record<string, string | false> = { ...DEFAULT_ROUTES };
  for (const [name, path] of Object.entries(routes ?? {})) {
    if (!(name in DEFAULT_ROUTES))
      throw new OAuthistConfigurationError(`routes.${name}`, 'no such endpoint');
    if (path !== false && (typeof path !== 'string' || !/^\/[^\s?#]*$/.test(path))) {
      throw new OAuthistConfigurationError(
        `routes.${name}`,
        'expected a path starting with / or false',
      );
    }
    if (path !== undefined) resolved[name] = path;
  }
  return resolved as ResolvedRoutes;
}
