/**
 * RFC 6749 §2.1 client profiles: a `web` application is confidential (it keeps a secret on its
 * server); a `user-agent` (browser) application and a `native` application are public.
 * @publicApi
 */
export type ClientType = 'web' | 'user-agent' | 'native';

/** Every client type, in the order the manual lists them. */
export const CLIENT_TYPES: readonly ClientType[] = ['web', 'user-agent', 'native'];

/** Whether clients of this type are confidential, that is, authenticate with a secret. */
export function isConfidentialType(clientType: ClientType): boolean {
  return clientType === 'web';
}
