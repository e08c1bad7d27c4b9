export * from './http-reply';
export * from './oauth-response';
