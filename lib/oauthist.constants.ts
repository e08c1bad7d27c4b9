/**
 * Injection token of the validated module options, with every default filled in.
 * @publicApi
 */
export const OAUTHIST_OPTIONS = Symbol('OAUTHIST_OPTIONS');

/**
 * Injection token of the endpoint paths the module serves (`OAuthistRoutes`, resolved).
 * @publicApi
 */
export const OAUTHIST_ROUTES = Symbol('OAUTHIST_ROUTES');

/** Metadata key of `@Scopes()`. */
export const SCOPES_METADATA = 'oauthist:scopes';

/** The request property the guard puts the verified `AccessToken` in. */
export const ACCESS_TOKEN_PROPERTY = 'oauthistAccessToken';
