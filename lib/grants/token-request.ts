import type {
  AuthenticatedClient,
  ClientAuthenticator,
  ClientAuthenticationMethod,
} from '../clients/client-authenticator';
import { ClientRequest } from './client-request';
import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import type { ResolvedOAuthistOptions } from '../options/resolved-options';
import type { RequestParameters } from '../protocol/request-parameters';
import { parseScope } from '../protocol/scope';
import { requestedResources } from '../resources/requested-resources';
import { refuseScopesBeyondClient } from '../clients/client-scopes';
import { refuseUnregisteredGrantType } from '../clients/registered-grant-types';
import type { OAuthResponse } from '../responses/oauth-response';
import type { IssuedAccessToken } from '../tokens/issued-access-token';
import type { GrantType, TokenGrantRequest } from './grant-type';
import type { GrantTypeRegistry } from './grant-type.registry';

/**
 * The manual's flags for the password grant, which apply to any grant type: what the request
 * must show of its client beyond what the grant type itself requires.
 * @publicApi
 */
export interface PasswordGrantFlags {
  /** Refuse requests that name no client at all. */
  clientRequired?: boolean;
  /** Refuse public clients: only an authenticated confidential client may ask. */
  clientSecretRequired?: boolean;
}

/** What loading a token request needs. */
export interface TokenRequestContext {
  readonly registry: GrantTypeRegistry;
  readonly authenticator: ClientAuthenticator;
  readonly options: ResolvedOAuthistOptions;
}

/** A token request that passed every check: what `exchangeForToken()` issues from. */
interface AcceptedTokenRequest {
  readonly grant: GrantType;
  readonly request: CheckedTokenGrantRequest;
  readonly checked: unknown;
}

const NOBODY: AuthenticatedClient = Object.freeze({ client: null, method: 'none' });

class CheckedTokenGrantRequest implements TokenGrantRequest {
  constructor(
    readonly grantType: string,
    readonly parameters: RequestParameters,
    readonly client: OAuthClient | null,
    readonly authenticationMethod: ClientAuthenticationMethod,
    /** The checked `scope`; empty for a grant type that reads none. */
    readonly scopes: readonly string[],
    /** The checked `resource` parameters. */
    readonly resources: readonly string[],
  ) {
    Object.freeze(this);
  }

  requestedScopes(): readonly string[] {
    return this.scopes;
  }

  requestedResources(): readonly string[] {
    return this.resources;
  }
}

/**
 * A request to the token endpoint (RFC 6749 §3.2), for any grant type: loaded once (client
 * authentication and the grant type's own checks included), then asked `isInvalid()` and
 * `getError()`, then `exchangeForToken()`. What it found never changes.
 * @publicApi
 */
export class TokenRequest extends ClientRequest {
  /** @internal */
  constructor(
    who: AuthenticatedClient,
    private readonly outcome: AcceptedTokenRequest | OAuthError,
  ) {
    super(Object.freeze({ who, failure: outcome instanceof OAuthError ? outcome : null }));
  }

  /**
   * @internal Runs every check of a token request; `expected` is the grant type the caller
   * asked for, if any (a request of another type is then `unsupported_grant_type`).
   */
  static async load(
    context: TokenRequestContext,
    parameters: RequestParameters,
    expected?: string,
    flags: PasswordGrantFlags = {},
  ): Promise<TokenRequest> {
    let who = NOBODY;
    try {
      const faulty = parameters.firstFaulty(context.registry.parameterNames());
      if (faulty)
        throw new OAuthError(
          'invalid_request',
          `${faulty} is repeated or malformed (RFC 6749 §3.2)`,
        );
      const name = parameters.get('grant_type');
      if (name === undefined) throw new OAuthError('invalid_request', 'grant_type is missing');
      const grant =
        expected === undefined || name === expected ? context.registry.get(name) : undefined;
      if (grant === undefined) {
        const off = name === expected || (expected === undefined && context.registry.has(name));
        throw new OAuthError(
          'unsupported_grant_type',
          off ? `the ${name} grant is turned off` : `grant_type ${name} is not supported here`,
        );
      }
      const missing = grant.requiredParameters?.find(
        (required) => parameters.get(required) === undefined,
      );
      if (missing !== undefined) throw new OAuthError('invalid_request', `${missing} is missing`);
      who = Object.freeze(await context.authenticator.authenticate(parameters));
      const { client } = who;
      if (client === null) {
        if (
          (grant.clientAuthentication ?? 'required') === 'required' ||
          flags.clientRequired ||
          flags.clientSecretRequired
        )
          throw context.authenticator.invalidClient(
            'the client must authenticate, or a public client send client_id (RFC 6749 §3.2.1)',
          );
      } else if (
        !grant.clientTypes.includes(client.clientType) ||
        (flags.clientSecretRequired && !client.isConfidential)
      ) {
        throw new OAuthError(
          'unauthorized_client',
          `a ${client.clientType} client may not use the ${name} grant (RFC 6749 §5.2)`,
        );
      } else {
        refuseUnregisteredGrantType(client, name);
      }
      // Checked before the grant's own checks, so that isInvalid() knows about it (RFC 6749 §3.3).
      const scopes =
        grant.readsScope === false
          ? []
          : Object.freeze(parseScope(parameters.get('scope'), context.options.scopes));
      refuseScopesBeyondClient(scopes, client);
      const resources = requestedResources(parameters, context.options.resources);
      const request = new CheckedTokenGrantRequest(
        name,
        parameters,
        client,
        who.method,
        scopes,
        resources,
      );
      const checked: unknown = grant.check ? await grant.check(request) : undefined;
      return new TokenRequest(who, Object.freeze({ grant, request, checked }));
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return new TokenRequest(who, error);
    }
  }

  /** The scopes asked for, each once, when the grant type reads `scope`. */
  get scopes(): readonly string[] {
    return this.outcome instanceof OAuthError ? [] : this.outcome.request.scopes;
  }

  /**
   * Issues the access token. Throws the request's error if it is invalid, and an
   * `invalid_grant` error when what was granted turns out unusable at the last moment (a code
   * used or expired in the meantime).
   */
  exchangeForToken(): Promise<IssuedAccessToken> {
    const { outcome } = this;
    if (outcome instanceof OAuthError) return Promise.reject(outcome);
    return outcome.grant.issue(outcome.request, outcome.checked);
  }

  /** The whole token endpoint answer: the token response, or the error response. */
  async respond(): Promise<OAuthResponse> {
    try {
      return (await this.exchangeForToken()).toResponse();
    } catch (error) {
      if (error instanceof OAuthError) return error.toResponse();
      throw error;
    }
  }
}

/**
 * An authorization code exchange (RFC 6749 §4.1.3), the manual's `CodeExchangeRequest`: a
 * `TokenRequest` of the `authorization_code` grant.
 * @publicApi
 */
export const CodeExchangeRequest = TokenRequest;
/** The manual's `CodeExchangeRequest`. @publicApi */
export type CodeExchangeRequest = TokenRequest;

/**
 * A password grant request (RFC 6749 §4.3.2), the manual's `PasswordExchangeRequest`: a
 * `TokenRequest` of the `password` grant.
 * @publicApi
 */
export const PasswordExchangeRequest = TokenRequest;
/** The manual's `PasswordExchangeRequest`. @publicApi */
export type PasswordExchangeRequest = TokenRequest;

/**
 * A client credentials request (RFC 6749 §4.4.2): a `TokenRequest` of the
 * `client_credentials` grant.
 * @publicApi
 */
export const ClientCredentialsRequest = TokenRequest;
/** A client credentials request. @publicApi */
export type ClientCredentialsRequest = TokenRequest;
