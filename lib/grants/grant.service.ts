import { Inject, Injectable } from '@nestjs/common';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { ClientService } from '../clients/client.service';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { OAuthParameters, RequestParameters } from '../protocol/request-parameters';
import { TokenMinter } from '../tokens/token-minter';
import { TokenService } from '../tokens/token.service';
import { UserGrants } from '../user-grants/user-grants';
import { AccessTokenRequest } from './access-token-request';
import { AuthorizationResponseType, checkAuthorizationRequest } from './authorization-check';
import type { AuthorizationContext } from './authorization-context';
import { checkTokenLookup, ClientRequestCheck, ClientRequestContext } from './client-request';
import { CodeRequest } from './code-request';
import { GrantTypeRegistry } from './grant-type.registry';
import { IntrospectionRequest } from './introspection-request';
import { PendingAuthorization } from './pending-authorization';
import { PendingAuthorizations } from './pending-authorizations';
import { RevocationRequest } from './revocation-request';
import {
  ClientCredentialsRequest,
  CodeExchangeRequest,
  PasswordExchangeRequest,
  PasswordGrantFlags,
  TokenRequest,
  TokenRequestContext,
} from './token-request';

/**
 * Where a request's parameters come from: `fromRequest(req)` for an Express or Fastify request,
 * or the parameters themselves under their wire names.
 * @publicApi
 */
export type ParameterSource = RequestParameters | OAuthParameters;

/**
 * Reads the parameters (and `Authorization` header) of an Express or Fastify request.
 * @publicApi
 */
export const fromRequest = RequestParameters.fromRequest;

function parametersOf(source: ParameterSource, defaults: OAuthParameters): RequestParameters {
  if (source instanceof RequestParameters) return source;
  // Given directly, like the manual's keyword arguments: the grant is implied by the call.
  return RequestParameters.of(source).withDefaults(defaults);
}

/**
 * The grants of RFC 6749 as the manual's request objects: each is loaded with one `await`,
 * then asked plain questions, then told to act. The controllers use them; so can your own
 * endpoints.
 * @publicApi
 */
@Injectable()
export class GrantService {
  private readonly authorization: AuthorizationContext;
  private readonly token: TokenRequestContext;
  private readonly lookup: ClientRequestContext;

  /** @internal */
  constructor(
    clients: ClientService,
    tokens: TokenService,
    minter: TokenMinter,
    pending: PendingAuthorizations,
    authenticator: ClientAuthenticator,
    registry: GrantTypeRegistry,
    @Inject(OAUTHIST_OPTIONS) options: ResolvedOAuthistOptions,
    userGrants: UserGrants,
  ) {
    this.authorization = { clients, pending, minter, options, userGrants };
    this.token = { registry, authenticator, options };
    this.lookup = { authenticator, minter, tokens };
  }

  /** An authorization code request (RFC 6749 §4.1.1), checked. */
  async codeRequest(source: ParameterSource): Promise<CodeRequest> {
    return new CodeRequest(this.authorization, await this.check(source, 'code'));
  }

  /** An implicit grant request (RFC 6749 §4.2.1), checked. */
  async accessTokenRequest(source: ParameterSource): Promise<AccessTokenRequest> {
    return new AccessTokenRequest(this.authorization, await this.check(source, 'token'));
  }

  /**
   * The authorization endpoint's request for whatever `response_type` names: an implicit grant
   * request for `token`, else a code request (which reports a missing or unsupported type).
   */
  authorizationRequest(source: ParameterSource): Promise<CodeRequest | AccessTokenRequest> {
    const parameters = parametersOf(source, {});
    return parameters.get('response_type') === 'token'
      ? this.accessTokenRequest(parameters)
      : this.codeRequest(parameters);
  }

  /** The authorization request waiting for the user under `id`, or `null` (unknown, expired, answered). */
  async getPendingAuthorization(id: string): Promise<PendingAuthorization | null> {
    if (typeof id !== 'string' || id.length === 0) return null;
    const data = await this.authorization.pending.read(id);
    if (data === null) return null;
    const client = await this.authorization.clients.get(data.clientId);
    return client && new PendingAuthorization(this.authorization, id, data, client);
  }

  /** An authorization code exchange (RFC 6749 §4.1.3), loaded. */
  codeExchangeRequest(source: ParameterSource): Promise<CodeExchangeRequest> {
    return this.load(source, 'authorization_code');
  }

  /** A password grant request (RFC 6749 §4.3.2), loaded; `flags` as in the manual. */
  passwordExchangeRequest(
    source: ParameterSource,
    flags?: PasswordGrantFlags,
  ): Promise<PasswordExchangeRequest> {
    return this.load(source, 'password', flags);
  }

  /** A client credentials request (RFC 6749 §4.4.2), loaded. */
  clientCredentialsRequest(source: ParameterSource): Promise<ClientCredentialsRequest> {
    return this.load(source, 'client_credentials');
  }

  /** A refresh request (RFC 6749 §6), loaded; on with the `refreshTokens` option. */
  refreshTokenRequest(source: ParameterSource): Promise<TokenRequest> {
    return this.load(source, 'refresh_token');
  }

  /**
   * The token endpoint's request for whatever `grant_type` names, built-in or the
   * application's own (`@OAuthGrantType()`), loaded. An unknown or missing grant type gives a
   * request whose error says so.
   */
  tokenRequest(source: ParameterSource): Promise<TokenRequest> {
    return TokenRequest.load(this.token, parametersOf(source, {}));
  }

  /**
   * @internal The token endpoint's request: as `tokenRequest()`, but a password grant must name
   * its client (RFC 6749 §4.3.2) unless the `passwordGrantWithoutClient` option allows it.
   */
  endpointTokenRequest(parameters: RequestParameters): Promise<TokenRequest> {
    const anyClient =
      parameters.get('grant_type') !== 'password' || this.token.options.passwordGrantWithoutClient;
    const flags = anyClient ? {} : { clientRequired: true };
    return TokenRequest.load(this.token, parameters, undefined, flags);
  }

  /** A token revocation request (RFC 7009 §2.1), checked: a public client may name itself. */
  revocationRequest(source: ParameterSource): Promise<RevocationRequest> {
    return this.lookupRequest(
      RevocationRequest,
      source,
      false,
      'the client must authenticate or send client_id (RFC 7009 §2.1)',
    );
  }

  /** A token introspection request (RFC 7662 §2.1), checked: only a client with a secret may ask. */
  introspectionRequest(source: ParameterSource): Promise<IntrospectionRequest> {
    return this.lookupRequest(
      IntrospectionRequest,
      source,
      true,
      'introspection requires client authentication (RFC 7662 §2.1)',
    );
  }

  private async lookupRequest<T>(
    Request: new (
      context: ClientRequestContext,
      parameters: RequestParameters,
      checked: ClientRequestCheck,
    ) => T,
    source: ParameterSource,
    secretRequired: boolean,
    refusal: string,
  ): Promise<T> {
    const parameters = parametersOf(source, {});
    const checked = await checkTokenLookup(
      this.lookup.authenticator,
      parameters,
      secretRequired,
      refusal,
    );
    return new Request(this.lookup, parameters, checked);
  }

  private check(source: ParameterSource, responseType: AuthorizationResponseType) {
    const parameters = parametersOf(source, { response_type: responseType });
    const { clients, options } = this.authorization;
    return checkAuthorizationRequest(parameters, responseType, {
      options,
      findClient: (id) => clients.get(id),
    });
  }

  private load(
    source: ParameterSource,
    grantType: string,
    flags?: PasswordGrantFlags,
  ): Promise<TokenRequest> {
    return TokenRequest.load(
      this.token,
      parametersOf(source, { grant_type: grantType }),
      grantType,
      flags,
    );
  }
}
