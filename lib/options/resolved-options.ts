import type { UserCredentialsVerifier } from '../credentials/user-credentials-verifier';
import type { OAuthistRedisOption } from '../interfaces';
import type { BruteForceLimits } from '../throttling/brute-force-limits';

/** The module options after validation, with every default filled in. */
export interface ResolvedOptions {
  readonly redis: OAuthistRedisOption;
  readonly prefix: string;
  /** `null`: any scope is accepted. */
  readonly scopes: ReadonlySet<string> | null;
  readonly authorizationCodeTtl: number;
  readonly pendingAuthorizationTtl: number;
  /** `null`: tokens never expire. */
  readonly accessTokenTtl: number | null;
  readonly implicitGrant: boolean;
  readonly allowPlainPkce: boolean;
  readonly userIdExtra: string;
  readonly passwordVerifier: UserCredentialsVerifier | null;
  readonly issuer: string | null;
  readonly consentUrl: string;
  readonly bearerTokenInBody: boolean;
  readonly bearerTokenInQuery: boolean;
  readonly realm: string;
  readonly commandTimeout: number;
  /** `null`: brute-force protection is off. */
  readonly bruteForce: BruteForceLimits | null;
}
