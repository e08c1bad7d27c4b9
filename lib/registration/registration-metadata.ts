import { attributeValues } from '../clients/client-attributes';
import { clientTypeFromMetadata, isWebUrl } from '../clients/client-metadata';
import { clientScopes } from '../clients/client-scopes';
import { isConfidentialType } from '../clients/client-type';
import { validateRedirectUrl } from '../clients/redirect-url';
import { GRANT_TYPES_ATTRIBUTE, RESPONSE_TYPES_ATTRIBUTE } from '../clients/registered-grant-types';
import { OAuthError } from '../errors';
import type { ClientType, CreateClientInput, RegistrableGrantType } from '../interfaces';
import type { DynamicRegistrationPolicy } from '../options/dynamic-registration-policy';
import { REGISTRABLE_GRANT_TYPES } from '../options/dynamic-registration-policy';

/**
 * The attribute each kept RFC 7591 §2 metadata field is stored under. `client_name` is `name`,
 * the attribute that operators' clients carry their name in, so that a consent page shows a
 * self-registered client's name the same way.
 */
export const METADATA_ATTRIBUTES = {
  client_name: 'name',
  client_uri: 'client_uri',
  logo_uri: 'logo_uri',
  tos_uri: 'tos_uri',
  policy_uri: 'policy_uri',
  contacts: 'contacts',
  software_id: 'software_id',
  software_version: 'software_version',
  token_endpoint_auth_method: 'token_endpoint_auth_method',
  grant_types: GRANT_TYPES_ATTRIBUTE,
  response_types: RESPONSE_TYPES_ATTRIBUTE,
} as const;

/** What the server serves, besides the registration policy, that a registration is checked against. */
export interface RegistrationRules {
  readonly policy: DynamicRegistrationPolicy;
  /** The server's scopes; `null`: any. */
  readonly scopes: ReadonlySet<string> | null;
  readonly implicitGrant: boolean;
  readonly refreshTokens: boolean;
}

const URL_FIELDS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const;
const TEXT_FIELDS = ['client_name', 'software_id', 'software_version'] as const;
const RESPONSE_TYPE_OF_GRANT: Readonly<Record<string, string>> = {
  authorization_code: 'code',
  implicit: 'token',
};
const GRANT_OF_RESPONSE_TYPE: Readonly<Record<string, RegistrableGrantType>> = {
  code: 'authorization_code',
  token: 'implicit',
};

function invalid(description: string): never {
  throw new OAuthError('invalid_client_metadata', description);
}

/** A member of the metadata; JSON `null` reads as omitted, as many clients send it so. */
function member(metadata: Readonly<Record<string, unknown>>, name: string): unknown {
  const value = Object.hasOwn(metadata, name) ? metadata[name] : undefined;
  return value === null ? undefined : value;
}

function text(metadata: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = member(metadata, name);
  if (value === undefined || typeof value === 'string') return value;
  return invalid(`${name} must be a string`);
}

/**
 * A URL a consent page may link to or show: absolute `https` or `http` (RFC 7591 §2 says each
 * points to a web page), never `javascript:` or `data:`.
 */
function webUrl(metadata: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = text(metadata, name);
  if (value === undefined) return undefined;
  if (!isWebUrl(value)) invalid(`${name} must be an absolute http or https URL (RFC 7591 §2)`);
  return value;
}

function list(metadata: Readonly<Record<string, unknown>>, name: string): string[] | undefined {
  const value = member(metadata, name);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((each) => typeof each !== 'string')) {
    invalid(`${name} must be an array of strings`);
  }
  // Kept space-separated, as a scope is: an entry may hold no white space.
  if ((value as string[]).some((each) => each === '' || /\s/.test(each))) {
    invalid(`each entry of ${name} must be non-empty and free of white space`);
  }
  return [...new Set(value as string[])];
}

function redirectUris(value: unknown, clientType: ClientType): string[] {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    // Every client oauthist keeps has one: code and implicit need it, and so does the store.
    throw new OAuthError(
      'invalid_redirect_uri',
      'redirect_uris is required: at least one redirect URI (RFC 7591 §2)',
    );
  }
  if (!Array.isArray(value)) {
    throw new OAuthError('invalid_redirect_uri', 'redirect_uris must be an array of URIs');
  }
  return [...new Set(value.map((uri) => validateRedirectUrl(uri, clientType)))];
}

/** Refuses a grant type this server does not let a self-registered client of `clientType` use. */
function checkGrantType(grant: string, clientType: ClientType, rules: RegistrationRules): void {
  if (grant === 'password') {
    invalid(
      'the password grant is not offered to self-registered clients (RFC 9700 §2.4 forbids it)',
    );
  }
  if (
    !REGISTRABLE_GRANT_TYPES.includes(grant as RegistrableGrantType) ||
    !rules.policy.grantTypes.has(grant as RegistrableGrantType)
  ) {
    invalid(`grant type ${JSON.stringify(grant)} is not available to self-registered clients`);
  }
  if (grant === 'implicit' && !rules.implicitGrant) {
    invalid('the implicit grant is turned off on this server (RFC 9700 §2.1.2)');
  }
  if (grant === 'refresh_token' && !rules.refreshTokens) {
    invalid('this server issues no refresh tokens');
  }
  if (grant === 'client_credentials' && !isConfidentialType(clientType)) {
    invalid('client_credentials needs a client that authenticates (RFC 6749 §4.4)');
  }
}

/**
 * `grant_types` and `response_types`, each filled in from the other when omitted, and checked
 * to agree (RFC 7591 §2.1): `code` goes with `authorization_code`, `token` with `implicit`.
 */
function grantAndResponseTypes(
  metadata: Readonly<Record<string, unknown>>,
  clientType: ClientType,
  rules: RegistrationRules,
): { grantTypes: string[]; responseTypes: string[] } {
  const givenGrants = list(metadata, 'grant_types');
  const givenResponses = list(metadata, 'response_types');
  for (const type of givenResponses ?? []) {
    if (!(type in GRANT_OF_RESPONSE_TYPE)) {
      invalid(`response type ${JSON.stringify(type)} is not supported here (code or token)`);
    }
  }
  const grantTypes =
    givenGrants ??
    (givenResponses?.map((type) => GRANT_OF_RESPONSE_TYPE[type]) || ['authorization_code']);
  if (grantTypes.length === 0) invalid('grant_types must name at least one grant type');
  for (const grant of grantTypes) checkGrantType(grant, clientType, rules);
  const responseTypes =
    givenResponses ??
    grantTypes.flatMap((grant) =>
      grant in RESPONSE_TYPE_OF_GRANT ? [RESPONSE_TYPE_OF_GRANT[grant]] : [],
    );
  for (const grant of grantTypes) {
    const needed = RESPONSE_TYPE_OF_GRANT[grant];
    if (needed !== undefined && !responseTypes.includes(needed)) {
      invalid(`grant type ${grant} needs response type ${needed} (RFC 7591 §2.1)`);
    }
  }
  for (const type of responseTypes) {
    const needed = GRANT_OF_RESPONSE_TYPE[type];
    if (!grantTypes.includes(needed)) {
      invalid(`response type ${type} needs grant type ${needed} (RFC 7591 §2.1)`);
    }
  }
  return { grantTypes, responseTypes };
}

/**
 * The client metadata of a registration request (RFC 7591 §2), checked by the rules that
 * `ClientService.create()` applies to every client (redirect URIs, scopes, attributes) and by
 * those of self-registration (auth method, grant and response types). Unknown members are
 * ignored (RFC 7591 §2); a member of the wrong type is `invalid_client_metadata`.
 */
export class RegistrationMetadata {
  private constructor(
    /** From `token_endpoint_auth_method` and `application_type`. */
    readonly clientType: ClientType,
    readonly redirectUris: readonly string[],
    readonly tokenEndpointAuthMethod: string,
    readonly grantTypes: readonly string[],
    readonly responseTypes: readonly string[],
    /** The scopes registered: those asked for, or the policy's when none were. */
    readonly scopes: readonly string[] | undefined,
    /** Everything kept as the client's attributes (see `METADATA_ATTRIBUTES`). */
    readonly attributes: Readonly<Record<string, string>>,
  ) {}

  /** Reads and checks a registration request's body; throws `OAuthError` on the first problem. */
  static read(body: unknown, rules: RegistrationRules): RegistrationMetadata {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      invalid('the client metadata must be a JSON object (RFC 7591 §3.1)');
    }
    const metadata = body as Readonly<Record<string, unknown>>;
    const authMethod = member(metadata, 'token_endpoint_auth_method') ?? 'client_secret_basic';
    const clientType = clientTypeFromMetadata({
      token_endpoint_auth_method: authMethod,
      application_type: member(metadata, 'application_type'),
    });
    const uris = redirectUris(member(metadata, 'redirect_uris'), clientType);
    const { grantTypes, responseTypes } = grantAndResponseTypes(metadata, clientType, rules);
    const scopes = registeredScopes(member(metadata, 'scope'), rules);
    const kept: Record<string, string> = {
      [METADATA_ATTRIBUTES.token_endpoint_auth_method]: authMethod as string,
      [METADATA_ATTRIBUTES.grant_types]: grantTypes.join(' '),
      [METADATA_ATTRIBUTES.response_types]: responseTypes.join(' '),
    };
    for (const name of TEXT_FIELDS) {
      const value = text(metadata, name);
      if (value !== undefined) kept[METADATA_ATTRIBUTES[name]] = value;
    }
    for (const name of URL_FIELDS) {
      const value = webUrl(metadata, name);
      if (value !== undefined) kept[METADATA_ATTRIBUTES[name]] = value;
    }
    const contacts = list(metadata, 'contacts');
    if (contacts !== undefined) kept[METADATA_ATTRIBUTES.contacts] = contacts.join(' ');
    return new RegistrationMetadata(
      clientType,
      uris,
      authMethod as string,
      grantTypes,
      responseTypes,
      scopes,
      // The limits every attribute has (length, well-formed Unicode) apply here too.
      attributeValues(kept),
    );
  }

  /** What `ClientService` registers the client with. */
  toCreateClientInput(): CreateClientInput {
    return {
      clientType: this.clientType,
      redirectUrls: this.redirectUris,
      attributes: this.attributes,
      ...(this.scopes === undefined ? {} : { scopes: this.scopes }),
    };
  }
}

/**
 * `scope` (RFC 7591 §2: space-separated), each one the policy allows, else the server issues;
 * omitted, every scope the policy allows (RFC 7591 §2 lets the server pick a default), or
 * `undefined`, any scope the server issues, when the policy names none.
 */
function registeredScopes(value: unknown, rules: RegistrationRules): string[] | undefined {
  const allowed = rules.policy.scopes ?? rules.scopes;
  if (value === undefined) {
    return rules.policy.scopes === null ? undefined : [...rules.policy.scopes];
  }
  if (typeof value !== 'string') invalid('scope must be a string of space-separated scopes');
  return clientScopes(value.split(' '), allowed);
}
