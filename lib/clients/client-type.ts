import type { ClientType } from '../interfaces';

/** Every client type, in the order the manual lists them. */
export const CLIENT_TYPES: readonly ClientType[] = ['web', 'user-agent', 'native'];

/** Whether clients of this type are confidential, that is, authenticate with a secret. */
export function isConfidentialType(clientType: ClientType): boolean {
  return clientType === 'web';
}
