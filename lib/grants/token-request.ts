import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import type { OAuthResponse } from '../responses/oauth-response';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { authenticateClient, ClientAuthenticationMethod } from './client-authentication';
import type { GrantContext } from './grant-context';
import type { RequestParameters } from './request-parameters';
import { parseScope } from './scope';

/**
 * What the token endpoint's grants share (RFC 6749 §4.1.3, §4.3.2, §4.4.2): load once, ask
 * `isInvalid()` and `getError()`, then `exchangeForToken()`.
 * @publicApi
 */
export abstract class TokenRequest {
  /** The client that made the request, once authenticated; `null` when none was named. */
  client: OAuthClient | null = null;
  /** How the client authenticated. */
  authenticationMethod: ClientAuthenticationMethod = 'none';
  /** The scopes asked for, each once. */
  scopes: readonly string[] = [];

  private failure: OAuthError | null = null;

  /** The `grant_type` this request serves. */
  protected abstract readonly grantType: string;

  /** @internal */
  constructor(
    protected readonly context: GrantContext,
    protected readonly parameters: RequestParameters,
  ) {}

  /** Whether the request cannot be answered with a token. */
  isInvalid(): boolean {
    return this.failure !== null;
  }

  /** What is wrong with the request; its `toResponse()` is the RFC 6749 §5.2 answer. */
  getError(): OAuthError | null {
    return this.failure;
  }

  /**
   * Issues the access token. Throws the request's error if it is invalid, and an
   * `invalid_grant` error when what was granted turns out unusable at the last moment (a code
   * used or expired in the meantime).
   */
  async exchangeForToken(): Promise<IssuedAccessToken> {
    if (this.failure) throw this.failure;
    return this.issue();
  }

  /** The whole token endpoint answer: the token response, or the error response. */
  async respond(): Promise<OAuthResponse> {
    try {
      return (await this.exchangeForToken()).toResponse();
    } catch (error) {
      if (error instanceof OAuthError) return error.toResponse();
      throw error;
    }
  }

  /** @internal Authenticates the client and runs every check; the one await of the request. */
  async load(): Promise<this> {
    try {
      const faulty = this.parameters.firstFaulty();
      if (faulty)
        throw new OAuthError(
          'invalid_request',
          `${faulty} is repeated or malformed (RFC 6749 §3.2)`,
        );
      const grantType = this.parameters.get('grant_type');
      if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is missing');
      if (grantType !== this.grantType) {
        throw new OAuthError(
          'unsupported_grant_type',
          `grant_type ${grantType} is not supported here`,
        );
      }
      await this.check();
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      this.failure = error;
    }
    return this;
  }

  /** The grant's own checks; throws an `OAuthError`. */
  protected abstract check(): Promise<void>;

  /** Issues the token of a request that passed its checks. */
  protected abstract issue(): Promise<IssuedAccessToken>;

  /** Authenticates the client (RFC 6749 §2.3) and remembers it. */
  protected async authenticate(): Promise<OAuthClient | null> {
    const { client, method } = await authenticateClient(this.context.clients, this.parameters);
    this.client = client;
    this.authenticationMethod = method;
    return client;
  }

  /** Reads `scope` against the allowed scopes. */
  protected readScope(): void {
    this.scopes = parseScope(this.parameters.get('scope'), this.context.options.scopes);
  }
}
