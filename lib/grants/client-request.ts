import type {
  AuthenticatedClient,
  ClientAuthenticationMethod,
  ClientAuthenticator,
} from '../clients/client-authenticator';
import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import type { RequestParameters } from '../protocol/request-parameters';
import type { OAuthResponse } from '../responses/oauth-response';
import type { TokenMinter } from '../tokens/token-minter';
import type { TokenService } from '../tokens/token.service';

/** The parameters of the revocation and introspection endpoints that may not be repeated. */
const TOKEN_LOOKUP_PARAMETERS: readonly string[] = [
  'client_id',
  'client_secret',
  'token',
  'token_type_hint',
];

/** What the revocation and introspection requests ask. */
export interface ClientRequestContext {
  readonly authenticator: ClientAuthenticator;
  readonly minter: TokenMinter;
  readonly tokens: TokenService;
}

/** A checked revocation or introspection request: who asked, and what was wrong, if anything. */
export interface ClientRequestCheck {
  readonly who: AuthenticatedClient;
  readonly failure: OAuthError | null;
}

/**
 * Checks a request to the revocation (RFC 7009 §2.1) or introspection (RFC 7662 §2.1)
 * endpoint: a `token`, and a client that authenticated (with a secret, when `secretRequired`).
 */
export async function checkTokenLookup(
  authenticator: ClientAuthenticator,
  parameters: RequestParameters,
  secretRequired: boolean,
  refusal: string,
): Promise<ClientRequestCheck> {
  let who: AuthenticatedClient = { client: null, method: 'none' };
  try {
    const faulty = parameters.firstFaulty(TOKEN_LOOKUP_PARAMETERS);
    if (faulty)
      throw new OAuthError('invalid_request', `${faulty} is repeated or malformed (RFC 6749 §3.2)`);
    if (parameters.get('token') === undefined)
      throw new OAuthError('invalid_request', 'token is missing');
    who = Object.freeze(await authenticator.authenticate(parameters));
    if (who.client === null || (secretRequired && who.method === 'none'))
      throw authenticator.invalidClient(refusal);
    return Object.freeze({ who, failure: null });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return Object.freeze({ who, failure: error });
  }
}

/**
 * A request a client makes to the token, revocation or introspection endpoint: checked once
 * (client authentication included), then asked `isInvalid()` and `getError()`, then told to
 * act. What the check found never changes.
 * @publicApi
 */
export abstract class ClientRequest {
  /** @internal */
  constructor(private readonly checked: ClientRequestCheck) {}

  /** The client that made the request, once authenticated; `null` when none was named. */
  get client(): OAuthClient | null {
    return this.checked.who.client;
  }

  /** How the client authenticated. */
  get authenticationMethod(): ClientAuthenticationMethod {
    return this.checked.who.method;
  }

  /** Whether the request must be refused. */
  isInvalid(): boolean {
    return this.checked.failure !== null;
  }

  /** What is wrong with the request; its `toResponse()` is the RFC 6749 §5.2 answer. */
  getError(): OAuthError | null {
    return this.checked.failure;
  }

  /** The endpoint's answer: the error response, or what the request does. */
  abstract respond(): Promise<OAuthResponse>;
}

/**
 * A revocation or introspection request: a client asking about one token it holds.
 * @publicApi
 */
export abstract class TokenLookupRequest extends ClientRequest {
  /** @internal */
  protected readonly context: ClientRequestContext;
  /** @internal */
  protected readonly parameters: RequestParameters;

  /** @internal */
  constructor(
    context: ClientRequestContext,
    parameters: RequestParameters,
    checked: ClientRequestCheck,
  ) {
    super(checked);
    this.context = context;
    this.parameters = parameters;
  }
}
