/**
 * Injection token of the validated module options, with every default filled in.
 * @publicApi
 */
export const OAUTHIST_OPTIONS = Symbol('OAUTHIST_OPTIONS');
