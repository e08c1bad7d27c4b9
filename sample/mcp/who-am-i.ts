import type { AccessToken } from '../../lib';

/** Who called: what the `whoami` tool and `/api/me` answer. */
export interface WhoAmI {
  readonly user_id: string | null;
  readonly client_id: string | null;
  readonly scope: string;
}

/** The caller behind a verified access token. */
export function whoAmI(token: AccessToken): WhoAmI {
  return { user_id: token.userId ?? null, client_id: token.clientId, scope: token.scope };
}
