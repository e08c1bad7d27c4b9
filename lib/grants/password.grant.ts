import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLIENT_TYPES } from '../clients/client-type';
import { UserCredentialsVerifier } from '../credentials/user-credentials-verifier';
import { OAuthError } from '../errors';
import { AttemptLimiter } from '../throttling/attempt-limiter';
import { usernameSubject } from '../throttling/attempt-subject';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import { TokenMinter } from '../tokens/token-minter';
import { storedExtras } from './extras';
import type { GrantType, TokenGrantRequest } from './grant-type';

/** What a password check granted: the scopes, and the extras the verifier returned. */
interface VerifiedPassword {
  readonly scopes: readonly string[];
  readonly extras: Readonly<Record<string, string>>;
}

/**
 * The resource owner password credentials grant (RFC 6749 §4.3), on when the application
 * provides a `UserCredentialsVerifier`. A confidential client authenticates; a public client
 * may name itself with `client_id` or not at all, as the manual allowed. The verifier's extras
 * are written onto the token. Each username's failures count toward the brute-force limit.
 */
@Injectable()
export class PasswordGrant implements GrantType<VerifiedPassword> {
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

  isEnabled(): boolean {
    return this.verifier !== null && this.verifier !== undefined;
  }

  async check(request: TokenGrantRequest): Promise<VerifiedPassword> {
    const username = request.parameters.get('username') as string;
    const password = request.parameters.get('password') as string;
    const scopes = request.requestedScopes();
    const attempt = this.limiter.begin(usernameSubject(username));
    try {
      await attempt.admitted();
      const extras = await (this.verifier as UserCredentialsVerifier).verify(username, password);
      if (extras === null) {
        attempt.fail();
        throw new OAuthError('invalid_grant', 'the username or password is wrong');
      }
      return { scopes, extras: storedExtras(extras) };
    } finally {
      attempt.end();
    }
  }

  issue(request: TokenGrantRequest, verified: VerifiedPassword): Promise<IssuedAccessToken> {
    return this.minter.issueAccessToken({
      clientId: request.client?.id ?? null,
      scopes: verified.scopes,
      extras: verified.extras,
    });
  }
}
