import type { ClientService } from '../clients/client.service';
import type { ResolvedOAuthistOptions } from '../options/resolved-options';
import type { TokenMinter } from '../tokens/token-minter';
import type { UserGrants } from '../user-grants/user-grants';
import type { PendingAuthorizations } from './pending-authorizations';

/** What the authorization endpoint's request objects ask: never the store itself. */
export interface AuthorizationContext {
  readonly clients: ClientService;
  readonly pending: PendingAuthorizations;
  readonly minter: TokenMinter;
  readonly userGrants: UserGrants;
  readonly options: ResolvedOAuthistOptions;
}
