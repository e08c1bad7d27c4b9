export * from './client-authentication.dto';
export * from './token-lookup-request.dto';
export * from './token-request.dto';
