import { OAuthError } from '../errors';
import { usernameSubject } from '../throttling/attempt-subject';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { invalidClient } from './client-authentication';
import { storedExtras } from './extras';
import type { GrantContext } from './grant-context';
import type { RequestParameters } from './request-parameters';
import { TokenRequest } from './token-request';

/**
 * The manual's flags for the password grant.
 * @publicApi
 */
export interface PasswordGrantFlags {
  /** Refuse requests that name no client at all. */
  clientRequired?: boolean;
  /** Refuse public clients: only an authenticated confidential client may ask. */
  clientSecretRequired?: boolean;
}

/**
 * The resource owner password credentials grant (RFC 6749 §4.3). A confidential client
 * authenticates; a public client may name itself with `client_id` or, unless the flags say
 * otherwise, not at all. The credentials go to the `UserCredentialsVerifier`, whose extras are
 * written onto the token.
 * @publicApi
 */
export class PasswordExchangeRequest extends TokenRequest {
  protected readonly grantType = 'password';
  private extras: Record<string, string> = {};

  /** @internal */
  constructor(
    context: GrantContext,
    parameters: RequestParameters,
    private readonly flags: PasswordGrantFlags = {},
  ) {
    super(context, parameters);
  }

  protected async checkGrant(): Promise<void> {
    const { verifier } = this.context;
    if (verifier === null)
      throw new OAuthError('unsupported_grant_type', 'the password grant is turned off');
    const username = this.parameters.get('username');
    const password = this.parameters.get('password');
    if (username === undefined) throw new OAuthError('invalid_request', 'username is missing');
    if (password === undefined) throw new OAuthError('invalid_request', 'password is missing');
    // Counted alongside the client's authentication, so that it adds no round trip of its own.
    const attempt = this.context.limiter.begin(usernameSubject(username));
    try {
      const client = await this.authenticate();
      if (client === null && (this.flags.clientRequired || this.flags.clientSecretRequired)) {
        throw invalidClient(this.context.options.realm, 'client authentication is required');
      }
      if (client !== null && !client.isConfidential && this.flags.clientSecretRequired) {
        throw new OAuthError(
          'unauthorized_client',
          'only confidential clients may use the password grant',
        );
      }
      this.readScope();
      await attempt.admitted();
      const extras = await verifier.verify(username, password);
      if (extras === null) {
        attempt.fail();
        throw new OAuthError('invalid_grant', 'the username or password is wrong');
      }
      this.extras = storedExtras(extras);
    } finally {
      attempt.end();
    }
  }

  protected issue(): Promise<IssuedAccessToken> {
    return this.context.tokens.issueAccessToken({
      clientId: this.client?.id ?? null,
      scopes: this.scopes,
      extras: this.extras,
    });
  }
}
