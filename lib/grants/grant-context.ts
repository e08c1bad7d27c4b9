import type { ClientService } from '../clients/client.service';
import type { UserCredentialsVerifier } from '../credentials/user-credentials-verifier';
import type { ResolvedOptions } from '../options/resolved-options';
import type { GrantStore } from '../redis/grant-store';
import type { AttemptLimiter } from '../throttling/attempt-limiter';
import type { TokenService } from '../tokens/token.service';

/** What the request objects of the grants work with; `GrantService` hands it to them. */
export interface GrantContext {
  readonly clients: ClientService;
  readonly store: GrantStore;
  readonly tokens: TokenService;
  readonly options: ResolvedOptions;
  readonly verifier: UserCredentialsVerifier | null;
  readonly limiter: AttemptLimiter;
}
