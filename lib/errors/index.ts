export * from './oauth-error';
export * from './oauthist-configuration-error';
export * from './storage-unavailable-error';
