import { CODE_VERIFIER, S256_CHALLENGE } from '../crypto/pkce';
import { OAuthError, OAuthErrorCode, StorageUnavailableError } from '../errors';
import type { OAuthClient } from '../interfaces';
import type { ResolvedOAuthistOptions } from '../options/resolved-options';
import type { RequestParameters } from '../protocol/request-parameters';
import { parseScope } from '../protocol/scope';
import { refuseScopesBeyondClient } from '../clients/client-scopes';
import { refuseUnregisteredResponseType } from '../clients/registered-grant-types';
import { audienceOf, requestedResources } from '../resources/requested-resources';

const MAX_STATE = 1024;
const MAX_SCOPE = 2048;

/**
 * The parameters an authorization request may not repeat (RFC 6749 §3.1); any other is
 * unrecognized and must be ignored, repeated or not (RFC 8707 `resource` may well be).
 */
const AUTHORIZATION_PARAMETERS: readonly string[] = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'prompt',
];

/** The `prompt` values oauthist knows (OpenID Connect Core 1.0 §3.1.2.1, and `create`). */
const PROMPT_VALUES: ReadonlySet<string> = new Set([
  'none',
  'login',
  'consent',
  'select_account',
  'create',
]);

/**
 * What the client asks of the user's interaction (`prompt`, OpenID Connect Core 1.0 §3.1.2.1,
 * which OAuth clients send too): `none` to show no page at all, `consent` to ask again even if
 * the user agreed before, `login` to sign the user in again, `select_account`, `create`.
 * @publicApi
 */
export type AuthorizationPrompt = 'none' | 'login' | 'consent' | 'select_account' | 'create';

/**
 * `code` for the authorization code grant (RFC 6749 §4.1), `token` for the implicit grant
 * (§4.2).
 * @publicApi
 */
export type AuthorizationResponseType = 'code' | 'token';

/**
 * A request that names no usable client or redirection URI: show the error to the user and
 * never redirect (RFC 6749 §4.1.2.1).
 * @publicApi
 */
export interface BrokenAuthorizationRequest {
  /** Always `broken`. */
  readonly kind: 'broken';
  /** What is wrong. */
  readonly error: OAuthError;
  /** The client, when it was found (the redirection URI was what failed). */
  readonly client: OAuthClient | null;
  /** The `state` sent, when it was within its length limit. */
  readonly state: string | undefined;
}

/**
 * A request whose client and redirection URI are good but that is wrong otherwise: it is
 * answered by redirecting the error to the client (RFC 6749 §4.1.2.1, §4.2.2.1).
 * @publicApi
 */
export interface InvalidAuthorizationRequest {
  /** Always `invalid`. */
  readonly kind: 'invalid';
  /** What is wrong. */
  readonly error: OAuthError;
  /** The client. */
  readonly client: OAuthClient;
  /** Where the error goes. */
  readonly redirectUri: string;
  /** The `state` sent, when it was within its length limit. */
  readonly state: string | undefined;
}

/**
 * A request that passed every check: it may be saved and put to the user.
 * @publicApi
 */
export interface ValidAuthorizationRequest {
  /** Always `valid`. */
  readonly kind: 'valid';
  /** What the client asks for. */
  readonly responseType: AuthorizationResponseType;
  /** The client. */
  readonly client: OAuthClient;
  /** Where the answer goes: the one given, or the client's only one. */
  readonly redirectUri: string;
  /** Whether the request named `redirect_uri` (the code exchange must then repeat it). */
  readonly redirectUriGiven: boolean;
  /** The scopes asked for, each once. */
  readonly scopes: readonly string[];
  /**
   * The resources the token will be for (RFC 8707): those the `resource` parameters name, or
   * the `defaultResources` when none were sent; empty: no audience.
   */
  readonly resources: readonly string[];
  /** The client's `state`, returned to it unchanged. */
  readonly state: string | undefined;
  /** PKCE `code_challenge` (RFC 7636), when sent. */
  readonly codeChallenge: string | undefined;
  /** PKCE `code_challenge_method`, when `code_challenge` was sent. */
  readonly codeChallengeMethod: 'S256' | 'plain' | undefined;
  /** The `prompt` values sent that oauthist knows, each once; empty: none sent. */
  readonly prompt: readonly AuthorizationPrompt[];
}

/**
 * What checking an authorization request found: broken, invalid or valid, each with what the
 * next step needs. It never changes.
 * @publicApi
 */
export type AuthorizationRequestCheck =
  BrokenAuthorizationRequest | InvalidAuthorizationRequest | ValidAuthorizationRequest;

/** What a check needs besides the parameters. */
export interface AuthorizationCheckContext {
  readonly options: Pick<
    ResolvedOAuthistOptions,
    'scopes' | 'implicitGrant' | 'allowPlainPkce' | 'resources'
  >;
  /**
   * The registered client with this id, or `null`; an `OAuthError` (a client metadata document
   * that cannot be read) makes the request broken with that error.
   */
  findClient(clientId: string): Promise<OAuthClient | null>;
}

/** The PKCE parameters of a code request (RFC 7636 §4.3), checked; throws `invalid_request`. */
function checkPkce(
  parameters: RequestParameters,
  client: OAuthClient,
  allowPlain: boolean,
): Pick<ValidAuthorizationRequest, 'codeChallenge' | 'codeChallengeMethod'> {
  const challenge = parameters.get('code_challenge');
  const method = parameters.get('code_challenge_method');
  if (challenge === undefined) {
    if (method !== undefined)
      throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge');
    if (!client.isConfidential) {
      throw new OAuthError(
        'invalid_request',
        'code_challenge is required for public clients (RFC 9700 §2.1.1)',
      );
    }
    return { codeChallenge: undefined, codeChallengeMethod: undefined };
  }
  // RFC 7636 §4.3: a challenge without a method is a plain one.
  const effective = method ?? 'plain';
  if (effective === 'S256') {
    if (!S256_CHALLENGE.test(challenge)) {
      throw new OAuthError(
        'invalid_request',
        'an S256 code_challenge is 43 base64url characters (RFC 7636 §4.2)',
      );
    }
    return { codeChallenge: challenge, codeChallengeMethod: 'S256' };
  }
  if (effective === 'plain' && allowPlain) {
    if (!CODE_VERIFIER.test(challenge)) {
      throw new OAuthError(
        'invalid_request',
        'a plain code_challenge is 43 to 128 unreserved characters (RFC 7636 §4.1)',
      );
    }
    return { codeChallenge: challenge, codeChallengeMethod: 'plain' };
  }
  throw new OAuthError(
    'invalid_request',
    `code_challenge_method ${effective} is not supported; use S256 (RFC 7636 §4.4.1)`,
  );
}

/** The checks after client and redirection URI: a failure here is safe to redirect. */
function checkGrantRequest(
  parameters: RequestParameters,
  responseType: AuthorizationResponseType,
  client: OAuthClient,
  options: AuthorizationCheckContext['options'],
): Omit<
  ValidAuthorizationRequest,
  'kind' | 'client' | 'redirectUri' | 'redirectUriGiven' | 'state'
> {
  if (
    responseType === 'token' &&
    !options.implicitGrant &&
    parameters.get('response_type') === 'token'
  ) {
    throw new OAuthError(
      'unsupported_response_type',
      'the implicit grant is turned off (RFC 9700 §2.1.2)',
    );
  }
  const faulty = parameters.firstFaulty(AUTHORIZATION_PARAMETERS);
  if (faulty)
    throw new OAuthError('invalid_request', `${faulty} is repeated or malformed (RFC 6749 §3.1)`);
  const given = parameters.get('response_type');
  if (given === undefined) throw new OAuthError('invalid_request', 'response_type is missing');
  if (given !== responseType) {
    throw new OAuthError(
      'unsupported_response_type',
      `response_type ${given} is not supported here`,
    );
  }
  refuseUnregisteredResponseType(client, given);
  const state = parameters.get('state');
  if (state !== undefined && state.length > MAX_STATE) {
    throw new OAuthError('invalid_request', `state is longer than ${MAX_STATE} characters`);
  }
  const scope = parameters.get('scope');
  if (scope !== undefined && scope.length > MAX_SCOPE) {
    throw new OAuthError('invalid_scope', `scope is longer than ${MAX_SCOPE} characters`);
  }
  const scopes = Object.freeze(parseScope(scope, options.scopes));
  refuseScopesBeyondClient(scopes, client);
  const resources = audienceOf(
    requestedResources(parameters, options.resources),
    options.resources,
  );
  const pkce =
    responseType === 'code'
      ? checkPkce(parameters, client, options.allowPlainPkce)
      : { codeChallenge: undefined, codeChallengeMethod: undefined };
  return { responseType, scopes, resources, prompt: promptOf(parameters), ...pkce };
}

/**
 * The known values of `prompt`; an unknown one is ignored, as an unknown parameter is (RFC 6749
 * §3.1). `none` with any other is `invalid_request` (OpenID Connect Core 1.0 §3.1.2.1).
 */
function promptOf(parameters: RequestParameters): readonly AuthorizationPrompt[] {
  const words = (parameters.get('prompt') ?? '').split(' ').filter((word) => word !== '');
  const known = [...new Set(words)].filter((word): word is AuthorizationPrompt =>
    PROMPT_VALUES.has(word),
  );
  if (known.includes('none') && words.some((word) => word !== 'none'))
    throw new OAuthError(
      'invalid_request',
      'prompt=none cannot be combined with other values (OpenID Connect Core 1.0 §3.1.2.1)',
    );
  return Object.freeze(known);
}

function broken(
  error: OAuthErrorCode,
  description: string,
  client: OAuthClient | null,
  state: string | undefined,
): BrokenAuthorizationRequest {
  return Object.freeze({
    kind: 'broken',
    error: new OAuthError(error, description),
    client,
    state,
  });
}

/**
 * Checks an authorization request (RFC 6749 §4.1.1, §4.2.1) for `responseType`: first the
 * client and redirection URI (a failure is *broken*), then everything else (a failure is
 * *invalid*). The client lookup is its one await.
 */
export async function checkAuthorizationRequest(
  parameters: RequestParameters,
  responseType: AuthorizationResponseType,
  context: AuthorizationCheckContext,
): Promise<AuthorizationRequestCheck> {
  const sent = parameters.get('state');
  // An anonymous request is stored until the user answers: its size is bounded.
  const state = sent !== undefined && sent.length <= MAX_STATE ? sent : undefined;
  const faulty = parameters.firstFaulty(['client_id', 'redirect_uri']);
  if (faulty)
    return broken(
      'invalid_request',
      `${faulty} is repeated or malformed (RFC 6749 §3.1)`,
      null,
      state,
    );
  const clientId = parameters.get('client_id');
  if (clientId === undefined) return broken('invalid_request', 'client_id is missing', null, state);
  let client: OAuthClient | null;
  try {
    client = await context.findClient(clientId);
  } catch (error) {
    // Storage going away is the endpoint's to answer (503), not the client's fault.
    if (!(error instanceof OAuthError) || error instanceof StorageUnavailableError) throw error;
    return broken(error.error, error.description, null, state);
  }
  if (client === null)
    return broken('invalid_client', 'client_id names no registered client', null, state);
  let redirectUri: string;
  const given = parameters.get('redirect_uri');
  if (given !== undefined) {
    if (!client.redirectUrls.includes(given)) {
      return broken(
        'invalid_request',
        'redirect_uri is not registered for this client (RFC 6749 §3.1.2.4)',
        client,
        state,
      );
    }
    redirectUri = given;
  } else if (client.redirectUrls.length === 1) {
    redirectUri = client.redirectUrls[0];
  } else {
    return broken(
      'invalid_request',
      'redirect_uri is required, as the client registered several (RFC 6749 §3.1.2.3)',
      client,
      state,
    );
  }
  try {
    const checked = checkGrantRequest(parameters, responseType, client, context.options);
    return Object.freeze({
      kind: 'valid',
      ...checked,
      client,
      redirectUri,
      redirectUriGiven: given !== undefined,
      state,
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    // Anyone can publish a metadata document, or register a client, naming any redirect URI:
    // an error redirected there before the user has seen anything would make this server an
    // open redirector (RFC 9700 §4.11.2), so such a client's error is shown here instead. Only
    // the operator's clients have redirect URIs someone vouched for.
    if (client.origin !== 'operator') {
      return Object.freeze({ kind: 'broken', error, client, state });
    }
    return Object.freeze({ kind: 'invalid', error, client, redirectUri, state });
  }
}
