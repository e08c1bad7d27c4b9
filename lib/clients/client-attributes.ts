import { OAuthError } from '../errors';
import type { AttributeValue } from '../interfaces';

const MAX_NAME = 128;
const MAX_VALUE = 1024;

/** How a bad attribute is refused: registration answers `invalid_client_metadata`. */
export type AttributeRefusal = (problem: string) => never;

function refuseMetadata(problem: string): never {
  throw new OAuthError('invalid_client_metadata', problem);
}

/**
 * Checks an attribute name: non-empty, well-formed Unicode, at most 128 characters, and not
 * `__proto__`, which a plain object cannot hold as its own key: assigned, it would be dropped
 * (or change the object's prototype) instead of being stored.
 */
export function attributeName(name: string, refuse: AttributeRefusal = refuseMetadata): string {
  if (name.length === 0 || name.length > MAX_NAME || !name.isWellFormed()) {
    refuse(
      `attribute name ${JSON.stringify(name.slice(0, 64))} must be 1 to ${MAX_NAME} characters of well-formed Unicode`,
    );
  }
  if (name === '__proto__') refuse("attribute name '__proto__' is reserved");
  return name;
}

/** Converts an attribute value to the string it is stored as, as the manual says. */
export function attributeValue(
  name: string,
  value: unknown,
  refuse: AttributeRefusal = refuseMetadata,
): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    refuse(`attribute ${JSON.stringify(name)} must be a string, a number or a boolean`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    refuse(`attribute ${JSON.stringify(name)} must be a finite number`);
  }
  const text = String(value as AttributeValue);
  if (text.length > MAX_VALUE || !text.isWellFormed()) {
    refuse(
      `attribute ${JSON.stringify(name)} must be at most ${MAX_VALUE} characters of well-formed Unicode`,
    );
  }
  return text;
}

/** Checks and converts a whole set of attributes. */
export function attributeValues(
  attributes: Readonly<Record<string, AttributeValue>> | undefined,
  refuse: AttributeRefusal = refuseMetadata,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (attributes === undefined) return result;
  if (attributes === null || typeof attributes !== 'object') refuse('attributes must be an object');
  for (const [name, value] of Object.entries(attributes)) {
    result[attributeName(name, refuse)] = attributeValue(name, value, refuse);
  }
  return result;
}
