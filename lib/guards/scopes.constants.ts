/** Metadata key of `@Scopes()`. */
export const SCOPES_METADATA = 'oauthist:scopes';

/** The request property the guard puts the verified `AccessToken` in. */
export const ACCESS_TOKEN_PROPERTY = 'oauthistAccessToken';

/** Metadata key of `@ProtectedResource()`. */
export const PROTECTED_RESOURCE_METADATA = 'oauthist:protected-resource';
