export * from './clients/client-type';
export * from './clients/client.service';
export * from './errors';
export * from './interfaces';
export { OAUTHIST_OPTIONS } from './oauthist.constants';
export { OAUTHIST_MODULE_OPTIONS } from './oauthist.module-definition';
export * from './oauthist.module';
