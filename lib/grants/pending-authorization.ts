import { OAuthError, OAuthErrorCode } from '../errors';
import type { OAuthClient } from '../interfaces';
import { errorRedirectTo, redirectTo } from '../protocol/redirect-uri';
import { userIdValue } from '../tokens/granting-user';
import type { AuthorizationPrompt } from './authorization-check';
import type { AuthorizationContext } from './authorization-context';
import { Extras, userGrant } from './extras';
import { implicitRedirect } from './implicit-redirect';
import type { PendingAuthorizationData } from './pending-authorizations';

const ANSWERED = 'the authorization request expired or was already answered';

/**
 * An authorization request that passed every check and waits for the user: the manual's saved
 * code. `accept()` or `decline()` answers it, once; either returns where to send the user.
 * @publicApi
 */
export class PendingAuthorization {
  /** @internal */
  constructor(
    private readonly context: AuthorizationContext,
    /** The unguessable id to hand to the consent page and back; it expires after `pendingAuthorizationTtl`. */
    readonly id: string,
    private readonly data: PendingAuthorizationData,
    /** The client that asks, to show the user who it is. */
    readonly client: OAuthClient,
  ) {}

  /**
   * The host (and port, if not the default) of the client's Client ID Metadata Document, for
   * a client known only by its document (`client.origin` `metadata-document`), else
   * `undefined`. The document's name and logo are whatever its author chose; the host is
   * what the user can trust, so a consent page should show it prominently (draft, OAuth
   * Phishing Attacks).
   */
  get clientMetadataHost(): string | undefined {
    return this.client.origin === 'metadata-document' ? new URL(this.client.id).host : undefined;
  }

  /** `code` for the authorization code grant, `token` for the implicit grant. */
  get responseType(): 'code' | 'token' {
    return this.data.responseType;
  }

  /** Where the user will be sent back. */
  get redirectUri(): string {
    return this.data.redirectUri;
  }

  /** The scopes asked for, to show the user. */
  get scopes(): readonly string[] {
    return this.data.scopes;
  }

  /**
   * The resources the token will be for (RFC 8707), to show the user: the servers the client
   * could use it at. Empty: no audience.
   */
  get resources(): readonly string[] {
    return this.data.resources ?? [];
  }

  /** The client's `state`, returned to it unchanged. */
  get state(): string | undefined {
    return this.data.state;
  }

  /**
   * What the client asks of the interaction (`prompt`): with `none`, no page may be shown
   * (answer with `answerWithoutPage()`); with `consent`, ask even if the user agreed before.
   */
  get prompt(): readonly AuthorizationPrompt[] {
    return this.data.prompt ?? [];
  }

  /**
   * Whether `userId` already allowed this client every scope and resource asked for here, at
   * an earlier authorization request, and the grant still holds a live token: the request is
   * covered, and the consent page may accept it at once. Revoking the grant forgets it.
   */
  isGrantedBy(userId: string): Promise<boolean> {
    const user = userIdValue(userId, 'isGrantedBy(userId)');
    return this.context.userGrants.covers(user, this.client.id, this.scopes, this.resources);
  }

  /**
   * Answers the request when no page is needed, and returns where to send the user; `null`
   * when the consent (or sign-in) page must be shown. `userId` is the signed-in user, `null`
   * for nobody. With `prompt=none` it always answers: a code (or token) when the user's
   * earlier consent covers the request and the `rememberConsent` option is on, else
   * `login_required` (nobody signed in) or `consent_required` (OpenID Connect Core 1.0
   * §3.1.2.6). Without it, it accepts a covered request under `rememberConsent`, unless
   * `prompt` asks for a page.
   */
  async answerWithoutPage(userId: string | null, extras?: Extras): Promise<string | null> {
    const silent = this.prompt.includes('none');
    const user = userId === null ? null : userIdValue(userId, 'answerWithoutPage(userId)');
    if (user === null) {
      return silent
        ? this.decline('login_required', 'no user is signed in, and prompt=none forbids asking')
        : null;
    }
    // Saved for one user, the request cannot be answered for another: asking is the page's job.
    if (this.data.userId !== undefined && this.data.userId !== user) {
      return silent
        ? this.decline(
            'login_required',
            'the user this request is for is not the one signed in, and prompt=none forbids asking',
          )
        : null;
    }
    const wantsPage = this.prompt.some((value) => value !== 'none');
    const remembered =
      this.context.options.rememberConsent && !wantsPage && (await this.isGrantedBy(user));
    if (remembered) return this.accept({ ...extras, userId: user });
    return silent
      ? this.decline(
          'consent_required',
          'the user has not allowed this request, and prompt=none forbids asking',
        )
      : null;
  }

  /**
   * When the request was saved: with `prompt=login`, a user who signed in before it must sign
   * in again (OpenID Connect Core 1.0 §3.1.2.1).
   */
  get createdAt(): Date {
    return new Date(this.data.createdAt);
  }

  /** The user who grants, if it was named on saving. */
  get userId(): string | undefined {
    return this.data.userId;
  }

  /** Extra attributes saved with the request (the user is `userId`). */
  get extras(): Readonly<Record<string, string>> {
    return this.data.extras;
  }

  /**
   * The user allows: issues the code (or, for the implicit grant, the token) and returns the
   * redirect to the client. The user who grants must be named here (`{ userId }`, or the
   * manual's `{ user_id }`) unless it was on saving; naming another user than the saved one is
   * a TypeError. Other `extras` join those saved and are copied onto the token. Throws
   * `invalid_request` when the request expired or was answered.
   */
  async accept(extras?: Extras): Promise<string> {
    // Checked before the request is taken: a mistake in the extras must not consume it.
    const grant = userGrant(extras, 'accept()', this.data.userId);
    const data = await this.take();
    const merged = { ...data.extras, ...grant.extras };
    const { minter, options } = this.context;
    if (data.responseType === 'token') {
      // Unlike a code, which its client must still redeem, this token goes straight to the
      // client: one deleted meanwhile must not get it, as nothing would revoke it.
      if ((await this.context.clients.get(data.clientId)) === null)
        throw new OAuthError('invalid_request', 'the client of this request no longer exists');
      const issued = await minter.issueAccessToken(
        {
          clientId: data.clientId,
          userId: grant.userId,
          scopes: data.scopes,
          audience: data.resources ?? [],
          extras: merged,
        },
        { consent: true },
      );
      return implicitRedirect(data.redirectUri, issued, data.state, options.issuer);
    }
    const code = await minter.issueCode({
      clientId: data.clientId,
      redirectUri: data.redirectUri,
      redirectUriGiven: data.redirectUriGiven,
      scopes: data.scopes,
      codeChallenge: data.codeChallenge,
      codeChallengeMethod: data.codeChallengeMethod,
      userId: grant.userId,
      extras: merged,
      audience: data.resources ?? [],
    });
    return redirectTo(
      data.redirectUri,
      { code, state: data.state, iss: options.issuer ?? undefined },
      'query',
    );
  }

  /**
   * The user refuses (or the application does): forgets the request and returns the error
   * redirect (RFC 6749 §4.1.2.1). Throws `invalid_request` when it expired or was answered.
   */
  async decline(
    error: OAuthErrorCode = 'access_denied',
    description = 'the resource owner denied the request',
  ): Promise<string> {
    const data = await this.take();
    return errorRedirectTo(
      {
        redirectUri: data.redirectUri,
        mode: data.responseType === 'token' ? 'fragment' : 'query',
        state: data.state,
        issuer: this.context.options.issuer,
      },
      error,
      description,
    );
  }

  private async take(): Promise<PendingAuthorizationData> {
    const data = await this.context.pending.take(this.id);
    if (data === null) throw new OAuthError('invalid_request', ANSWERED);
    return data;
  }
}
