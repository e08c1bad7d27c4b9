import { OAuthError, OAuthErrorCode } from '../errors';
import type { OAuthClient } from '../interfaces';
import { errorRedirectTo, redirectTo } from '../protocol/redirect-uri';
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
      const issued = await minter.issueAccessToken({
        clientId: data.clientId,
        userId: grant.userId,
        scopes: data.scopes,
        audience: data.resources ?? [],
        extras: merged,
      });
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
