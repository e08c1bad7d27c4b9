import {
  GrantService,
  IssuedAccessToken,
  PendingAuthorization,
  RequestParameters,
  TokenRequest,
} from '../../lib';
import { BenchClient, newUserId, REDIRECT_URI, SCOPE } from './oauthist';

function issued(request: TokenRequest): Promise<IssuedAccessToken> {
  const error = request.getError();
  if (error)
    throw new Error(`bench: the token request failed: ${error.error} ${error.description}`);
  return request.exchangeForToken();
}

/** The client credentials grant through the services, HTTP Basic as a client sends it. */
export async function clientCredentials(
  grants: GrantService,
  client: BenchClient,
): Promise<IssuedAccessToken> {
  const parameters = RequestParameters.of(
    { grant_type: 'client_credentials', scope: SCOPE },
    client.basic,
  );
  return issued(await grants.clientCredentialsRequest(parameters));
}

/** The authorization request, checked and saved while the user decides (codeRequest → saveCode). */
export async function authorizationRequest(
  grants: GrantService,
  client: BenchClient,
  userId = newUserId(),
): Promise<PendingAuthorization> {
  const request = await grants.codeRequest({
    client_id: client.id,
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    state: 'bench-state',
  });
  if (request.isBroken() || request.isInvalid())
    throw new Error(`bench: the code request failed: ${request.error?.description}`);
  return request.saveCode({ userId });
}

/** The user's consent (accept()): the code, read from the redirect. */
export async function consent(pending: PendingAuthorization): Promise<string> {
  const location = await pending.accept();
  const code = new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`bench: accept() redirected without a code: ${location}`);
  return code;
}

/** The exchange of a code (codeExchangeRequest → exchangeForToken), HTTP Basic. */
export async function codeExchange(
  grants: GrantService,
  client: BenchClient,
  code: string,
): Promise<IssuedAccessToken> {
  const parameters = RequestParameters.of(
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
    client.basic,
  );
  return issued(await grants.codeExchangeRequest(parameters));
}

/** The whole authorization-code grant: request, save, accept, exchange. */
export async function codeFlow(
  grants: GrantService,
  client: BenchClient,
): Promise<IssuedAccessToken> {
  const pending = await authorizationRequest(grants, client);
  return codeExchange(grants, client, await consent(pending));
}

/** The refresh grant (refreshTokenRequest → exchangeForToken), HTTP Basic as for the code. */
export async function refresh(
  grants: GrantService,
  client: BenchClient,
  refreshToken: string,
): Promise<IssuedAccessToken> {
  const parameters = RequestParameters.of(
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    client.basic,
  );
  return issued(await grants.refreshTokenRequest(parameters));
}
