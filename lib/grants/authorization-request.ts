import { randomToken } from '../crypto/random-token';
import { sha256 } from '../crypto/sha256';
import { OAuthError, OAuthErrorCode } from '../errors';
import type { OAuthClient } from '../interfaces';
import { Extras, storedExtras } from './extras';
import type { GrantContext } from './grant-context';
import { PendingAuthorization, PendingAuthorizationData } from './pending-authorization';
import { errorRedirectTo, ResponseMode } from './redirect-uri';
import type { RequestParameters } from './request-parameters';
import { parseScope } from './scope';

const MAX_STATE = 1024;
const MAX_SCOPE = 2048;

/**
 * The parameters an authorization request may not repeat (RFC 6749 §3.1); any other is
 * unrecognized and must be ignored, repeated or not (RFC 8707 `resource` may well be).
 */
const AUTHORIZATION_PARAMETERS: readonly string[] = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
];

/**
 * What the authorization endpoint shares between the code and the implicit grant: loading
 * the client, telling a *broken* request (never redirect: RFC 6749 §4.1.2.1) from an *invalid*
 * one (redirect with `error`), and saving a good one while the user decides.
 * @publicApi
 */
export abstract class AuthorizationRequest {
  /** The client, once loaded; `null` when the request is broken by a missing or unknown client. */
  client: OAuthClient | null = null;
  /** The redirection URI the answer goes to: the one given, or the client's only one. */
  redirectUri: string | undefined;
  /** The client's `state`, returned to it unchanged. */
  state: string | undefined;
  /** The scopes asked for, each once. */
  scopes: readonly string[] = [];
  /** PKCE `code_challenge` (RFC 7636), when sent. */
  codeChallenge: string | undefined;
  /** PKCE `code_challenge_method`, when `code_challenge` was sent. */
  codeChallengeMethod: string | undefined;

  private brokenBy: OAuthError | null = null;
  private invalidBy: OAuthError | null = null;
  private redirectUriGiven = false;

  protected abstract readonly responseType: 'code' | 'token';
  protected abstract readonly responseMode: ResponseMode;

  /** @internal */
  constructor(
    protected readonly context: GrantContext,
    protected readonly parameters: RequestParameters,
  ) {}

  /** What is wrong with the request, or `null` for a good one. */
  get error(): OAuthError | null {
    return this.brokenBy ?? this.invalidBy;
  }

  /**
   * Client or redirection URI missing, unknown or mismatching: show `error` to the user, and
   * never redirect (RFC 6749 §4.1.2.1).
   */
  isBroken(): boolean {
    return this.brokenBy !== null;
  }

  /** Anything wrong at all, broken included; if it is not broken, redirecting is safe. */
  isInvalid(): boolean {
    return this.error !== null;
  }

  /**
   * Saves the request while the user decides and returns it with its id; the consent page
   * answers it with `accept()` or `decline()`. Extras (e.g. `{ userId }`) go onto the token.
   */
  async savePending(extras?: Extras): Promise<PendingAuthorization> {
    if (this.error) throw this.error;
    const client = this.client as OAuthClient;
    const data: PendingAuthorizationData = {
      responseType: this.responseType,
      clientId: client.id,
      redirectUri: this.redirectUri as string,
      redirectUriGiven: this.redirectUriGiven,
      scopes: this.scopes,
      state: this.state,
      codeChallenge: this.codeChallenge,
      codeChallengeMethod: this.codeChallengeMethod,
      extras: storedExtras(extras),
      createdAt: Date.now(),
    };
    const id = randomToken();
    await this.context.store.savePending(
      sha256(id),
      JSON.stringify(data),
      this.context.options.pendingAuthorizationTtl,
    );
    return new PendingAuthorization(this.context, id, data, client);
  }

  /** @internal Loads the client and runs every check; the one await of the request. */
  async load(): Promise<this> {
    const { parameters } = this;
    const state = parameters.get('state');
    // An anonymous request is stored until the user answers: its size is bounded.
    this.state = state !== undefined && state.length <= MAX_STATE ? state : undefined;
    const faulty = parameters.firstFaulty(['client_id', 'redirect_uri']);
    if (faulty)
      return this.broken('invalid_request', `${faulty} is repeated or malformed (RFC 6749 §3.1)`);
    const clientId = parameters.get('client_id');
    if (clientId === undefined) return this.broken('invalid_request', 'client_id is missing');
    const client = await this.context.clients.get(clientId);
    if (client === null)
      return this.broken('invalid_client', 'client_id names no registered client');
    this.client = client;
    const redirectUri = parameters.get('redirect_uri');
    if (redirectUri !== undefined) {
      if (!client.redirectUrls.includes(redirectUri)) {
        return this.broken(
          'invalid_request',
          'redirect_uri is not registered for this client (RFC 6749 §3.1.2.4)',
        );
      }
      this.redirectUri = redirectUri;
      this.redirectUriGiven = true;
    } else if (client.redirectUrls.length === 1) {
      this.redirectUri = client.redirectUrls[0];
    } else {
      return this.broken(
        'invalid_request',
        'redirect_uri is required, as the client registered several (RFC 6749 §3.1.2.3)',
      );
    }
    try {
      this.validate(client);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      this.invalidBy = error;
    }
    return this;
  }

  /** The checks after client and redirection URI: a failure here is safe to redirect. */
  protected validate(_client: OAuthClient): void {
    const { parameters } = this;
    const faulty = parameters.firstFaulty(AUTHORIZATION_PARAMETERS);
    if (faulty)
      throw new OAuthError('invalid_request', `${faulty} is repeated or malformed (RFC 6749 §3.1)`);
    const responseType = parameters.get('response_type');
    if (responseType === undefined)
      throw new OAuthError('invalid_request', 'response_type is missing');
    if (responseType !== this.responseType) {
      throw new OAuthError(
        'unsupported_response_type',
        `response_type ${responseType} is not supported here`,
      );
    }
    const state = parameters.get('state');
    if (state !== undefined && state.length > MAX_STATE) {
      throw new OAuthError('invalid_request', `state is longer than ${MAX_STATE} characters`);
    }
    const scope = parameters.get('scope');
    if (scope !== undefined && scope.length > MAX_SCOPE) {
      throw new OAuthError('invalid_scope', `scope is longer than ${MAX_SCOPE} characters`);
    }
    this.scopes = parseScope(scope, this.context.options.scopes);
  }

  /**
   * The redirect that reports `error` to the client (RFC 6749 §4.1.2.1, §4.2.2.1), e.g.
   * `temporarily_unavailable`; throws for a broken request, which must not be redirected.
   */
  getErrorRedirect(error: OAuthErrorCode, description: string): string {
    if (this.brokenBy || this.redirectUri === undefined) {
      throw new Error(
        'oauthist: a broken authorization request must not be redirected (RFC 6749 §4.1.2.1)',
      );
    }
    return errorRedirectTo(
      {
        redirectUri: this.redirectUri,
        mode: this.responseMode,
        state: this.state,
        issuer: this.context.options.issuer,
      },
      error,
      description,
    );
  }

  private broken(error: OAuthErrorCode, description: string): this {
    this.brokenBy = new OAuthError(error, description);
    return this;
  }
}
