import { Inject, Injectable } from '@nestjs/common';
import { ClientService } from '../clients/client.service';
import { OAuthistConfigurationError } from '../errors';
import type { RegisteredClient } from '../interfaces';
import type { DynamicRegistrationPolicy } from '../options/dynamic-registration-policy';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { AttemptLimiter } from '../throttling/attempt-limiter';
import { attemptSource, UNKNOWN_SOURCE } from '../throttling/attempt-source';
import { ClientInformationResponse, clientInformation } from './client-information';
import { checkInitialAccessToken } from './initial-access-token';
import { RegistrationMetadata, RegistrationRules } from './registration-metadata';

/**
 * A client registration request (RFC 7591 §3.1), as an endpoint hands it over.
 * @publicApi
 */
export interface ClientRegistrationRequest {
  /** The parsed JSON body: the client metadata. */
  readonly metadata: unknown;
  /** The `Authorization` header, which carries the initial access token when one is required. */
  readonly authorization?: string;
  /**
   * The address the request came from (`request.ip`), counted by the rate limit; without
   * one, the request is not counted.
   */
  readonly sourceAddress?: string;
}

/**
 * A client that registered itself.
 * @publicApi
 */
export interface ClientRegistration {
  /** The client as stored, with its secret when it is confidential (the only time it is readable). */
  readonly client: RegisteredClient;
  /** The RFC 7591 §3.2.1 response body, to be sent with 201 and `Cache-Control: no-store`. */
  readonly information: ClientInformationResponse;
}

/**
 * Dynamic client registration (RFC 7591): checks the initial access token if one is
 * required, then the metadata, counts the registration under the rate limit of its source,
 * and registers the client through `ClientService`, marked `dynamic`. The built-in endpoint
 * is one user of it; an application may serve its own on it.
 * @publicApi
 */
@Injectable()
export class ClientRegistrationService {
  private readonly policy: DynamicRegistrationPolicy | null;

  /** @internal */
  constructor(
    private readonly clients: ClientService,
    private readonly limiter: AttemptLimiter,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
  ) {
    this.policy = options.dynamicRegistration;
  }

  /** Whether the `dynamicRegistration` option turns registration on. */
  get enabled(): boolean {
    return this.policy !== null;
  }

  /** Registers the client a request describes; throws `OAuthError` when it may not. */
  async register(request: ClientRegistrationRequest): Promise<ClientRegistration> {
    const { policy } = this;
    if (policy === null) {
      throw new OAuthistConfigurationError('dynamicRegistration', 'is off: turn it on to register');
    }
    if (policy.initialAccessToken !== null) {
      await checkInitialAccessToken(
        request.authorization,
        policy.initialAccessToken,
        this.options.realm,
      );
    }
    const rules: RegistrationRules = {
      policy,
      scopes: this.options.scopes,
      implicitGrant: this.options.implicitGrant,
      refreshTokens: this.options.refreshTokens !== null,
    };
    const metadata = RegistrationMetadata.read(request.metadata, rules);
    // Counted once the request is good: a refusal stores nothing, a registration stays.
    const source = attemptSource(request.sourceAddress);
    if (source !== UNKNOWN_SOURCE) await this.limiter.countRegistration(source);
    const client = await this.clients.createSelfRegistered(metadata.toCreateClientInput());
    return { client, information: clientInformation(client) };
  }
}
