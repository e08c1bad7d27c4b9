import type { RegisteredClient } from '../interfaces';
import { METADATA_ATTRIBUTES } from './registration-metadata';

/**
 * The client information response of RFC 7591 §3.2.1: the client's credentials and the
 * metadata as registered.
 * @publicApi
 */
export interface ClientInformationResponse {
  /** The client identifier. */
  client_id: string;
  /** The client secret of a confidential client: shown here once, stored only as a hash. */
  client_secret?: string;
  /** When the client id was issued, seconds since the epoch. */
  client_id_issued_at: number;
  /** With a secret: when it expires, `0` as it never does. */
  client_secret_expires_at?: number;
  /** The registered redirection URIs. */
  redirect_uris: string[];
  /** How the client authenticates at the token endpoint. */
  token_endpoint_auth_method: string;
  /** The grant types it registered. */
  grant_types: string[];
  /** The response types it registered. */
  response_types: string[];
  /** The scopes it may ask for, space-separated; absent: any scope the server issues. */
  scope?: string;
  /** Its name, shown to the user on the consent page. */
  client_name?: string;
  /** Its home page. */
  client_uri?: string;
  /** Its logo. */
  logo_uri?: string;
  /** Its terms of service. */
  tos_uri?: string;
  /** Its privacy policy. */
  policy_uri?: string;
  /** Ways to contact the people responsible for it. */
  contacts?: string[];
  /** The identifier of its software. */
  software_id?: string;
  /** The version of its software. */
  software_version?: string;
}

const TEXT_MEMBERS = [
  'client_name',
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'software_id',
  'software_version',
] as const;

function listOf(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(' ').filter(Boolean);
}

/** The client information response (RFC 7591 §3.2.1) of a client, read from what is stored. */
export function clientInformation(client: RegisteredClient): ClientInformationResponse {
  const { attributes } = client;
  const information: ClientInformationResponse = {
    client_id: client.id,
    ...(client.secret === undefined
      ? {}
      : { client_secret: client.secret, client_secret_expires_at: 0 }),
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    redirect_uris: [...client.redirectUrls],
    token_endpoint_auth_method:
      attributes[METADATA_ATTRIBUTES.token_endpoint_auth_method] ??
      (client.isConfidential ? 'client_secret_basic' : 'none'),
    grant_types: listOf(attributes[METADATA_ATTRIBUTES.grant_types] ?? 'authorization_code'),
    response_types: listOf(attributes[METADATA_ATTRIBUTES.response_types] ?? 'code'),
    ...(client.scopes === null ? {} : { scope: client.scopes.join(' ') }),
  };
  for (const member of TEXT_MEMBERS) {
    const value = attributes[METADATA_ATTRIBUTES[member]];
    if (value !== undefined) information[member] = value;
  }
  const contacts = attributes[METADATA_ATTRIBUTES.contacts];
  if (contacts !== undefined) information.contacts = listOf(contacts);
  return information;
}
