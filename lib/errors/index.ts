export * from './oauth-error';
export * from './oauthist-configuration-error';
