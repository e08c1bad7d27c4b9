import { attributeValues } from '../clients/client-attributes';
import type { AttributeValue } from '../interfaces';

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
