import type { AttributeValue } from '../interfaces';

/**
 * The extra attributes that name the user who grants: TypeScript's `userId`, and the Python
 * manual's `user_id` (`save_code(user_id=...)`). Either one is the grant's user, never an extra.
 */
const USER_ID_NAMES: readonly string[] = ['userId', 'user_id'];

// A name that looks like one of the above but is not: silently taking it for an ordinary extra
// would leave the grant without its user, and revokeGrant(userId, clientId) would miss it.
const LOOKS_LIKE_USER_ID = /^user[\s_-]?id$/i;

const MAX_USER_ID = 1024;

/** A grant's user and the rest of its extras. */
export interface UserAndExtras<T> {
  readonly userId: string | undefined;
  readonly extras: Record<string, T>;
}

/**
 * The user id as it is stored: a non-empty string, or a finite number as its string form (the
 * manual's `user_id=1234`). Anything else is the application's mistake: a TypeError.
 */
export function userIdValue(value: unknown, where: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_USER_ID ||
    !value.isWellFormed()
  ) {
    throw new TypeError(
      `oauthist: ${where} must be the user's id: a non-empty string or a number (got ${describe(value)})`,
    );
  }
  return value;
}

/**
 * Takes the user out of `extras` (either spelling) and checks it against `userId` given on its
 * own; two different users for one grant are a TypeError, as is a near-miss spelling such as
 * `userID`, which would otherwise drop the user without a word.
 */
export function separateUser<T extends AttributeValue>(
  extras: Readonly<Record<string, T>> | undefined,
  userId?: unknown,
): UserAndExtras<T> {
  let user = userId === undefined ? undefined : userIdValue(userId, 'userId');
  const rest: Record<string, T> = {};
  if (extras === undefined || extras === null || typeof extras !== 'object') {
    return { userId: user, extras: rest };
  }
  for (const [name, value] of Object.entries(extras)) {
    if (USER_ID_NAMES.includes(name)) {
      const named = userIdValue(value, name);
      if (user !== undefined && user !== named) {
        throw new TypeError(
          `oauthist: one grant names two users (${JSON.stringify(user)} and ${JSON.stringify(named)})`,
        );
      }
      user = named;
    } else if (LOOKS_LIKE_USER_ID.test(name)) {
      throw new TypeError(
        `oauthist: the extra ${JSON.stringify(name)} looks like the user's id: name it userId (or the manual's user_id)`,
      );
    } else {
      rest[name] = value;
    }
  }
  return { userId: user, extras: rest };
}

function describe(value: unknown): string {
  if (value === undefined || value === null || value === '')
    return JSON.stringify(value) ?? 'undefined';
  return typeof value;
}
