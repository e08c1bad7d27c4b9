import type { AttributeValue } from '../interfaces/oauth-client.interface';

/**
 * Checks a user's name and password for the password grant (RFC 6749 §4.3). Return `null` to
 * refuse, or the extra attributes to write onto the token (e.g. `{ userId: user.id }`).
 *
 * This abstract class is also the injection token: give oauthist your implementation with
 * `extraProviders: [{ provide: UserCredentialsVerifier, useClass: MyVerifier }]` (or `useValue`,
 * `useFactory`, `useExisting`). Without one, the password grant is off.
 * @publicApi
 */
export abstract class UserCredentialsVerifier {
  /** `null` when the credentials are wrong; else the extras for the token (may be empty). */
  abstract verify(
    username: string,
    password: string,
  ):
    | Promise<Readonly<Record<string, AttributeValue>> | null>
    | Readonly<Record<string, AttributeValue>>
    | null;
}
