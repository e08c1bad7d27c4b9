import type { HttpRequestLike } from '../http/http-request';

/**
 * Tells the authorization endpoint who is signed in on the browser that sent a request, from
 * the application's own session: with it, oauthist answers `prompt=none` itself
 * (`login_required`, `consent_required`, or a code) and, with the `rememberConsent` option,
 * sends a user who already allowed a client straight back to it, so neither reaches the
 * consent page. Return the user's id, or `null` when nobody is signed in.
 *
 * This abstract class is also the injection token: give oauthist your implementation with
 * `extraProviders: [{ provide: SignedInUserResolver, useClass: MySessions }]`. Without one,
 * every valid request goes to the consent page, which decides (see
 * `PendingAuthorization.answerWithoutPage()`).
 * @publicApi
 */
export abstract class SignedInUserResolver {
  /** The id of the user signed in on the browser that sent `request`, or `null`. */
  abstract signedInUser(request: HttpRequestLike): Promise<string | null> | string | null;
}
