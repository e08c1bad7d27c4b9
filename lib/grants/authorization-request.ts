import type { OAuthError, OAuthErrorCode } from '../errors';
import type { OAuthClient } from '../interfaces';
import { errorRedirectTo, ResponseMode } from '../protocol/redirect-uri';
import { separateUser } from '../tokens/granting-user';
import type { AuthorizationRequestCheck, ValidAuthorizationRequest } from './authorization-check';
import type { AuthorizationContext } from './authorization-context';
import { Extras, storedExtras } from './extras';
import { PendingAuthorization } from './pending-authorization';
import type { PendingAuthorizationData } from './pending-authorizations';

/**
 * What the authorization endpoint shares between the code and the implicit grant: the
 * manual's questions (`isBroken()`, `isInvalid()`) over the immutable result of checking the
 * request (`check`), and saving a good one while the user decides.
 * @publicApi
 */
export abstract class AuthorizationRequest {
  /** @internal Where the answer's parameters go: the query (code) or the fragment (implicit). */
  protected abstract readonly responseMode: ResponseMode;
  /** @internal */
  protected readonly context: AuthorizationContext;
  /** What checking the request found: broken, invalid or valid. It never changes. */
  readonly check: AuthorizationRequestCheck;

  /** @internal */
  constructor(context: AuthorizationContext, check: AuthorizationRequestCheck) {
    this.context = context;
    this.check = check;
  }

  /** The client; `null` when the request is broken by a missing or unknown client. */
  get client(): OAuthClient | null {
    return this.check.client;
  }

  /** The redirection URI the answer goes to; `undefined` for a broken request. */
  get redirectUri(): string | undefined {
    return this.check.kind === 'broken' ? undefined : this.check.redirectUri;
  }

  /** The client's `state`, returned to it unchanged. */
  get state(): string | undefined {
    return this.check.state;
  }

  /** The scopes asked for, each once; none for a request that is not valid. */
  get scopes(): readonly string[] {
    return this.check.kind === 'valid' ? this.check.scopes : [];
  }

  /** The resources the token will be for (RFC 8707); none for a request that is not valid. */
  get resources(): readonly string[] {
    return this.check.kind === 'valid' ? this.check.resources : [];
  }

  /** PKCE `code_challenge` (RFC 7636), when sent with a valid request. */
  get codeChallenge(): string | undefined {
    return this.check.kind === 'valid' ? this.check.codeChallenge : undefined;
  }

  /** PKCE `code_challenge_method`, when `code_challenge` was sent with a valid request. */
  get codeChallengeMethod(): string | undefined {
    return this.check.kind === 'valid' ? this.check.codeChallengeMethod : undefined;
  }

  /** What is wrong with the request, or `null` for a good one. */
  get error(): OAuthError | null {
    return this.check.kind === 'valid' ? null : this.check.error;
  }

  /**
   * Client or redirection URI missing, unknown or mismatching: show `error` to the user, and
   * never redirect (RFC 6749 §4.1.2.1).
   */
  isBroken(): boolean {
    return this.check.kind === 'broken';
  }

  /** Anything wrong at all, broken included; if it is not broken, redirecting is safe. */
  isInvalid(): boolean {
    return this.check.kind !== 'valid';
  }

  /**
   * Saves the request while the user decides and returns it with its id; the consent page
   * answers it with `accept()` or `decline()`. `userId` (or the manual's `user_id`) names the
   * user who grants, if known now; the other extras go onto the token.
   */
  async savePending(extras?: Extras): Promise<PendingAuthorization> {
    const valid = this.valid();
    const { userId, extras: others } = separateUser(extras);
    const data: PendingAuthorizationData = {
      responseType: valid.responseType,
      clientId: valid.client.id,
      redirectUri: valid.redirectUri,
      redirectUriGiven: valid.redirectUriGiven,
      scopes: valid.scopes,
      resources: valid.resources,
      state: valid.state,
      codeChallenge: valid.codeChallenge,
      codeChallengeMethod: valid.codeChallengeMethod,
      prompt: valid.prompt,
      userId,
      extras: storedExtras(others),
      createdAt: Date.now(),
    };
    const id = await this.context.pending.save(data);
    return new PendingAuthorization(this.context, id, data, valid.client);
  }

  /**
   * The redirect that reports `error` to the client (RFC 6749 §4.1.2.1, §4.2.2.1), e.g.
   * `temporarily_unavailable`; throws for a broken request, which must not be redirected.
   */
  getErrorRedirect(error: OAuthErrorCode, description: string): string {
    const { check } = this;
    if (check.kind === 'broken') {
      throw new Error(
        'oauthist: a broken authorization request must not be redirected (RFC 6749 §4.1.2.1)',
      );
    }
    return errorRedirectTo(
      {
        redirectUri: check.redirectUri,
        mode: this.responseMode,
        state: check.state,
        issuer: this.context.options.issuer,
      },
      error,
      description,
    );
  }

  /** The checked request, or its error thrown: only a valid request may go on. */
  protected valid(): ValidAuthorizationRequest {
    if (this.check.kind !== 'valid') throw this.check.error;
    return this.check;
  }
}
