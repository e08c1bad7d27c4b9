import { Inject, Injectable, Optional } from '@nestjs/common';
import { ClientService } from '../clients/client.service';
import { UserCredentialsVerifier } from '../credentials/user-credentials-verifier';
import { sha256 } from '../crypto/sha256';
import { OAUTHIST_OPTIONS } from '../oauthist.constants';
import type { ResolvedOptions } from '../options/resolved-options';
import { GrantStore } from '../redis/grant-store';
import { AttemptLimiter } from '../throttling/attempt-limiter';
import { IntrospectionRequest } from './introspection-request';
import { RevocationRequest } from './revocation-request';
import { TokenService } from '../tokens/token.service';
import { AccessTokenRequest } from './access-token-request';
import { ClientCredentialsRequest } from './client-credentials-request';
import { CodeExchangeRequest } from './code-exchange-request';
import { CodeRequest } from './code-request';
import type { GrantContext } from './grant-context';
import { PasswordExchangeRequest, PasswordGrantFlags } from './password-exchange-request';
import { PendingAuthorization, PendingAuthorizationData } from './pending-authorization';
import { OAuthParameters, RequestParameters } from './request-parameters';
import type { TokenRequest } from './token-request';

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
  private readonly context: GrantContext;

  constructor(
    clients: ClientService,
    store: GrantStore,
    tokens: TokenService,
    @Inject(OAUTHIST_OPTIONS) options: ResolvedOptions,
    @Optional() @Inject(UserCredentialsVerifier) verifier: UserCredentialsVerifier | null,
    limiter: AttemptLimiter,
  ) {
    this.context = { clients, store, tokens, options, verifier: verifier ?? null, limiter };
  }

  /** An authorization code request (RFC 6749 §4.1.1), loaded. */
  codeRequest(source: ParameterSource): Promise<CodeRequest> {
    return new CodeRequest(this.context, parametersOf(source, { response_type: 'code' })).load();
  }

  /** An implicit grant request (RFC 6749 §4.2.1), loaded. */
  accessTokenRequest(source: ParameterSource): Promise<AccessTokenRequest> {
    return new AccessTokenRequest(
      this.context,
      parametersOf(source, { response_type: 'token' }),
    ).load();
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
    const raw = await this.context.store.getPending(sha256(id));
    if (raw === null) return null;
    const data = JSON.parse(raw) as PendingAuthorizationData;
    const client = await this.context.clients.get(data.clientId);
    return client && new PendingAuthorization(this.context, id, data, client);
  }

  /** An authorization code exchange (RFC 6749 §4.1.3), loaded. */
  codeExchangeRequest(source: ParameterSource): Promise<CodeExchangeRequest> {
    return new CodeExchangeRequest(
      this.context,
      parametersOf(source, { grant_type: 'authorization_code' }),
    ).load();
  }

  /** A password grant request (RFC 6749 §4.3.2), loaded; `flags` as in the manual. */
  passwordExchangeRequest(
    source: ParameterSource,
    flags?: PasswordGrantFlags,
  ): Promise<PasswordExchangeRequest> {
    return new PasswordExchangeRequest(
      this.context,
      parametersOf(source, { grant_type: 'password' }),
      flags,
    ).load();
  }

  /** A client credentials request (RFC 6749 §4.4.2), loaded. */
  clientCredentialsRequest(source: ParameterSource): Promise<ClientCredentialsRequest> {
    return new ClientCredentialsRequest(
      this.context,
      parametersOf(source, { grant_type: 'client_credentials' }),
    ).load();
  }

  /** A token revocation request (RFC 7009 §2.1), loaded. */
  revocationRequest(source: ParameterSource): Promise<RevocationRequest> {
    return new RevocationRequest(this.context, parametersOf(source, {})).load();
  }

  /** A token introspection request (RFC 7662 §2.1), loaded. */
  introspectionRequest(source: ParameterSource): Promise<IntrospectionRequest> {
    return new IntrospectionRequest(this.context, parametersOf(source, {})).load();
  }

  /**
   * The token endpoint's request for whatever `grant_type` names, loaded. An unknown or missing
   * grant type gives a request whose error says so.
   */
  tokenRequest(source: ParameterSource): Promise<TokenRequest> {
    const parameters = parametersOf(source, {});
    switch (parameters.get('grant_type')) {
      case 'password':
        return this.passwordExchangeRequest(parameters);
      case 'client_credentials':
        return this.clientCredentialsRequest(parameters);
      default:
        // The code exchange reports a missing, repeated or unsupported grant_type itself.
        return this.codeExchangeRequest(parameters);
    }
  }
}
