import { attributeValues } from '../clients/client-attributes';
import type { AttributeValue } from '../interfaces';
import { separateUser } from '../tokens/granting-user';

/**
 * Extra attributes for a code or token (`userId`, ...): strings, or numbers and booleans
 * stored as their string form, as the manual says.
 * @publicApi
 */
export type Extras = Readonly<Record<string, AttributeValue>>;

function refuseExtra(problem: string): never {
  throw new TypeError(`oauthist: bad extra attribute: ${problem}`);
}

/** The extras as they are stored; a bad one is the application's mistake, hence a TypeError. */
export function storedExtras(extras: Extras | undefined): Record<string, string> {
  return attributeValues(extras, refuseExtra);
}

/** A user's grant: who grants, and the other extras as they are stored. */
export interface UserGrant {
  readonly userId: string;
  readonly extras: Record<string, string>;
}

/**
 * The user who grants, from `extras` (`userId`, or the manual's `user_id`) or from what was
 * saved before; the other extras, stored. A grant by a user always names the user, so that
 * `revokeGrant(userId, clientId)` finds it: without one, or with two different ones, this is a
 * TypeError, thrown before anything is issued or consumed.
 */
export function userGrant(extras: Extras | undefined, where: string, saved?: string): UserGrant {
  const { userId, extras: others } = separateUser(extras, saved);
  if (userId === undefined) {
    throw new TypeError(
      `oauthist: ${where} needs the user who grants: pass { userId } (or the manual's { user_id })`,
    );
  }
  return { userId, extras: storedExtras(others) };
}
