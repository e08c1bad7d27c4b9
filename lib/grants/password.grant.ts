import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLIENT_TYPES } from '../clients/client-type';
import { UserCredentialsVerifier } from '../credentials/user-credentials-verifier';
import { OAuthError, OAuthistConfigurationError } from '../errors';
import { AttemptLimiter } from '../throttling/attempt-limiter';
import { usernameSubject } from '../throttling/attempt-subject';
import { attemptSource } from '../throttling/attempt-source';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { AccessTokenGrant, TokenMinter } from '../tokens/token-minter';
import { userGrant } from './extras';
import type { GrantType, TokenGrantRequest } from './grant-type';

/**
 * The resource owner password credentials grant (RFC 6749 §4.3), on when the application
 * provides a `UserCredentialsVerifier`. A confidential client authenticates; a public client
 * may name itself with `client_id` or not at all, as the manual allowed. The verifier's extras
 * are written onto the token. Each username's failures count toward the brute-force limit.
 */
@Injectable()
export class PasswordGrant implements GrantType<AccessTokenGrant> {
  readonly grantType = 'password';
  readonly clientTypes = CLIENT_TYPES;
  readonly parameters = ['username', 'password'];
  readonly requiredParameters = ['username', 'password'];
  readonly clientAuthentication = 'optional';

  constructor(
    private readonly minter: TokenMinter,
    private readonly limiter: AttemptLimiter,
    @Optional()
    @Inject(UserCredentialsVerifier)
    private readonly verifier: UserCredentialsVerifier | null,
  ) {}

  /** Refuses at start-up a verifier the first password request would fail on. */
  checkVerifier(): void {
    const { verifier } = this;
    if (verifier && typeof (verifier as Partial<UserCredentialsVerifier>).verify !== 'function') {
      throw new OAuthistConfigurationError(
        'UserCredentialsVerifier',
        'the provider must be an object with a verify(username, password) method',
      );
    }
  }

  isEnabled(): boolean {
    return this.verifier !== null && this.verifier !== undefined;
  }

  async check(request: TokenGrantRequest): Promise<AccessTokenGrant> {
    const username = request.parameters.get('username') as string;
    const password = request.parameters.get('password') as string;
    const attempt = this.limiter.begin(
      usernameSubject(username, attemptSource(request.parameters.sourceAddress)),
    );
    try {
      await attempt.admitted();
      const extras = await (this.verifier as UserCredentialsVerifier).verify(username, password);
      if (extras === null) {
        attempt.fail();
        throw new OAuthError('invalid_grant', 'the username or password is wrong');
      }
      attempt.succeed();
      const grant = userGrant(extras, 'the UserCredentialsVerifier');
      return Object.freeze({
        clientId: request.client?.id ?? null,
        userId: grant.userId,
        scopes: request.requestedScopes(),
        audience: request.requestedResources(),
        extras: grant.extras,
        refreshToken: true,
      });
    } finally {
      attempt.end();
    }
  }

  issue(_request: TokenGrantRequest, grant: AccessTokenGrant): Promise<IssuedAccessToken> {
    return this.minter.issueAccessToken(grant);
  }
}
