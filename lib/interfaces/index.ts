export * from './oauth-client.interface';
export * from './oauthist-module-options.interface';
