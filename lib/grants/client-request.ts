import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import { authenticateClient, ClientAuthenticationMethod } from './client-authentication';
import type { GrantContext } from './grant-context';
import type { RequestParameters } from './request-parameters';

/**
 * The parameters of the token, revocation and introspection endpoints that may not be repeated
 * (RFC 6749 §3.2); any other is unrecognized and must be ignored, repeated or not.
 */
const CLIENT_REQUEST_PARAMETERS: readonly string[] = [
  'grant_type',
  'code',
  'redirect_uri',
  'client_id',
  'client_secret',
  'code_verifier',
  'scope',
  'username',
  'password',
  'refresh_token',
  'token',
  'token_type_hint',
];

/**
 * A request a client makes to the token, revocation or introspection endpoint: loaded once
 * (client authentication included), then asked `isInvalid()` and `getError()`.
 * @publicApi
 */
export abstract class ClientRequest {
  /** The client that made the request, once authenticated; `null` when none was named. */
  client: OAuthClient | null = null;
  /** How the client authenticated. */
  authenticationMethod: ClientAuthenticationMethod = 'none';

  private failure: OAuthError | null = null;

  /** @internal */
  constructor(
    protected readonly context: GrantContext,
    protected readonly parameters: RequestParameters,
  ) {}

  /** Whether the request must be refused. */
  isInvalid(): boolean {
    return this.failure !== null;
  }

  /** What is wrong with the request; its `toResponse()` is the RFC 6749 §5.2 answer. */
  getError(): OAuthError | null {
    return this.failure;
  }

  /** @internal Authenticates the client and runs every check; the one await of the request. */
  async load(): Promise<this> {
    try {
      const faulty = this.parameters.firstFaulty(CLIENT_REQUEST_PARAMETERS);
      if (faulty)
        throw new OAuthError(
          'invalid_request',
          `${faulty} is repeated or malformed (RFC 6749 §3.2)`,
        );
      await this.check();
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      this.failure = error;
    }
    return this;
  }

  /** The endpoint's own checks; throws an `OAuthError`. */
  protected abstract check(): Promise<void>;

  /** Authenticates the client (RFC 6749 §2.3) and remembers it. */
  protected async authenticate(): Promise<OAuthClient | null> {
    const { client, method } = await authenticateClient(
      this.context.clients,
      this.context.limiter,
      this.parameters,
      this.context.options.realm,
    );
    this.client = client;
    this.authenticationMethod = method;
    return client;
  }
}
