import type { AttributeValue } from '../interfaces/oauth-client.interface';

/**
 * Checks a user's name and password for the password grant (RFC 6749 §4.3). Return `null` to
 * refuse, or the user and the extra attributes to write onto the token: `{ userId: user.id }`
 * (or the manual's `{ user_id: user.id }`), plus any extras. A result that names no user is a
 * TypeError: the token would belong to nobody, and `revokeGrant()` could never find it.
 *
 * This abstract class is also the injection token: give oauthist your implementation with
 * `extraProviders: [{ provide: UserCredentialsVerifier, useClass: MyVerifier }]` (or `useValue`,
 * `useFactory`, `useExisting`). Without one, the password grant is off.
 * @publicApi
 */
export abstract class UserCredentialsVerifier {
  /** `null` when the credentials are wrong; else the user (`userId`) and extras for the token. */
  abstract verify(
    username: string,
    password: string,
  ):
    | Promise<Readonly<Record<string, AttributeValue>> | null>
    | Readonly<Record<string, AttributeValue>>
    | null;
}
