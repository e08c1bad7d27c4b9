import { constantTimeEqual } from '../crypto/constant-time-equal';
import { sha256 } from '../crypto/sha256';
import type { OAuthClient } from '../interfaces';
import type { ClientRecord } from '../redis/client-store';
import { isConfidentialType } from './client-type';

// Hash compared against when the client is unknown, so that the answer takes the same time.
const NO_SECRET = sha256('');

/** A stored client as the application sees it: never with the hash of its secret. */
export function toClient(record: ClientRecord): OAuthClient {
  // Frozen: a checked request holds it, and what was checked must not change afterwards.
  return Object.freeze({
    id: record.id,
    clientType: record.clientType,
    isConfidential: isConfidentialType(record.clientType),
    redirectUrls: Object.freeze([...record.redirectUrls]),
    attributes: Object.freeze({ ...record.attributes }),
    scopes: record.scopes === null ? null : Object.freeze([...record.scopes]),
    resourceServer: record.resourceServer,
    createdAt: new Date(record.createdAt),
    origin: record.origin,
  });
}

/**
 * The confidential client of `record` if `secret` is its secret, else `null`. The secret is
 * compared in constant time, and an unknown client costs the same as a wrong secret.
 */
export function clientWithSecret(record: ClientRecord | null, secret: string): OAuthClient | null {
  const matches = constantTimeEqual(sha256(secret), record?.secretHash ?? NO_SECRET);
  return record?.secretHash && matches ? toClient(record) : null;
}
