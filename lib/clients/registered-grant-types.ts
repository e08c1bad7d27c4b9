import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';

/**
 * The attributes under which a self-registered client keeps the grant and response types it
 * registered (RFC 7591 §2), space-separated, as a `scope` is.
 */
export const GRANT_TYPES_ATTRIBUTE = 'grant_types';
export const RESPONSE_TYPES_ATTRIBUTE = 'response_types';

/**
 * What a self-registered client registered under `attribute`; RFC 7591 §2's default when the
 * attribute is gone (an operator removed it). `null` for a client the operator registered,
 * which may use whatever its type allows.
 */
function registered(client: OAuthClient, attribute: string, fallback: string): string[] | null {
  if (client.origin !== 'dynamic') return null;
  return (client.attributes[attribute] ?? fallback).split(' ').filter(Boolean);
}

/**
 * Refuses a grant type that a self-registered client did not register (RFC 7591 §2), with
 * `unauthorized_client` (RFC 6749 §5.2). The refresh grant passes: a refresh token is issued
 * only by a grant the client may use, and carries that grant on.
 */
export function refuseUnregisteredGrantType(client: OAuthClient, grantType: string): void {
  if (grantType === 'refresh_token') return;
  const grantTypes = registered(client, GRANT_TYPES_ATTRIBUTE, 'authorization_code');
  if (grantTypes === null || grantTypes.includes(grantType)) return;
  throw new OAuthError(
    'unauthorized_client',
    `this client did not register the ${grantType} grant (RFC 7591 §2)`,
  );
}

/**
 * Refuses a response type that a self-registered client did not register (RFC 7591 §2), with
 * `unauthorized_client` (RFC 6749 §4.1.2.1).
 */
export function refuseUnregisteredResponseType(client: OAuthClient, responseType: string): void {
  const responseTypes = registered(client, RESPONSE_TYPES_ATTRIBUTE, 'code');
  if (responseTypes === null || responseTypes.includes(responseType)) return;
  throw new OAuthError(
    'unauthorized_client',
    `this client did not register the response type ${responseType} (RFC 7591 §2)`,
  );
}
