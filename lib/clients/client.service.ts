import { Inject, Injectable } from '@nestjs/common';
import { randomToken } from '../crypto/random-token';
import { sha256 } from '../crypto/sha256';
import { OAuthError } from '../errors';
import type {
  AttributeValue,
  ClientOrigin,
  CreateClientInput,
  ListClientsOptions,
  OAuthClient,
  PurgeSelfRegisteredOptions,
  RegisteredClient,
  ClientType,
  UpdateClientInput,
} from '../interfaces';
import { ClientRecord, ClientStore } from '../redis/client-store';
import { GrantStore } from '../redis/grant-store';
import { GrantIds } from '../crypto/grant-ids';
import { attributeName, attributeValue, attributeValues } from './client-attributes';
import { CLIENT_TYPES, isConfidentialType } from './client-type';
import { clientWithSecret, toClient } from './client-records';
import { clientScopes } from './client-scopes';
import { MetadataDocumentClients } from './metadata-document-clients';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { validateRedirectUrl } from './redirect-url';

const CLIENT_ID_BYTES = 16;

/**
 * A new client id: 128 random bits, base64url, never starting with `-` or `_`, so that a
 * command line (the sample's CLI, `redis-cli`, any tool built on getopt) cannot take it for an
 * option. Drawing again costs about a twentieth of a bit.
 */
function newClientId(): string {
  let id = randomToken(CLIENT_ID_BYTES);
  while (id.startsWith('-') || id.startsWith('_')) id = randomToken(CLIENT_ID_BYTES);
  return id;
}
const MAX_LIST_LIMIT = 1000;
// Each purged client is one delete() (a SCAN of its tokens): the batch only bounds one read.
const PURGE_BATCH = 100;

function pageOf(options: ListClientsOptions): { offset: number; limit: number } {
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 100;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new OAuthError('invalid_request', 'offset must be a whole number >= 0');
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new OAuthError(
      'invalid_request',
      `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`,
    );
  }
  return { offset, limit };
}

function flag(name: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new OAuthError('invalid_client_metadata', `${name} must be true or false`);
}

function redirectUrls(urls: unknown, clientType: ClientType): string[] {
  if (!Array.isArray(urls) || urls.length === 0) {
    throw new OAuthError(
      'invalid_redirect_uri',
      'at least one redirect URL is required (RFC 6749 §3.1.2.2)',
    );
  }
  return [...new Set(urls.map((url) => validateRedirectUrl(url, clientType)))];
}

/**
 * The client registry (RFC 6749 §2): register, read, search by attribute, update and delete
 * clients, and authenticate confidential ones.
 * @publicApi
 */
@Injectable()
export class ClientService {
  /** @internal */
  constructor(
    private readonly store: ClientStore,
    private readonly grants: GrantStore,
    private readonly grantIds: GrantIds,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
    private readonly documents: MetadataDocumentClients,
  ) {}

  /**
   * Registers a client. A `web` client gets a 256-bit secret, returned here once and stored
   * only as its hash.
   */
  create(input: CreateClientInput): Promise<RegisteredClient> {
    return this.createWithOrigin(input, 'operator');
  }

  /**
   * @internal Registers a client that registered itself (RFC 7591), by the same rules as
   * `create()`, marked `dynamic` and kept in the index that `listSelfRegistered()` reads.
   */
  createSelfRegistered(input: CreateClientInput): Promise<RegisteredClient> {
    return this.createWithOrigin(input, 'dynamic');
  }

  /** Self-registered clients (origin `dynamic`), a page at a time, oldest first. */
  async listSelfRegistered(options: ListClientsOptions = {}): Promise<OAuthClient[]> {
    const { offset, limit } = pageOf(options);
    return (await this.store.listOfOrigin('dynamic', offset, limit)).map(toClient);
  }

  /** How many self-registered clients there are. */
  countSelfRegistered(): Promise<number> {
    return this.store.countOfOrigin('dynamic');
  }

  /**
   * Deletes every self-registered client registered before `olderThan`, revoking their tokens
   * as `delete()` does, and returns how many it deleted. Operators run it from a job: it walks
   * each client's tokens, so it is not for a request path.
   */
  async purgeSelfRegistered(options: PurgeSelfRegisteredOptions): Promise<number> {
    const before = options?.olderThan;
    if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
      throw new OAuthError('invalid_request', 'olderThan must be a valid Date');
    }
    let purged = 0;
    for (;;) {
      const ids = await this.store.idsOfOriginBefore('dynamic', before.getTime(), PURGE_BATCH);
      if (ids.length === 0) return purged;
      for (const id of ids) if (await this.delete(id)) purged += 1;
    }
  }

  private async createWithOrigin(
    input: CreateClientInput,
    origin: ClientOrigin,
  ): Promise<RegisteredClient> {
    if (!CLIENT_TYPES.includes(input.clientType)) {
      throw new OAuthError(
        'invalid_client_metadata',
        `clientType must be one of ${CLIENT_TYPES.join(', ')}, got ${JSON.stringify(input.clientType)}`,
      );
    }
    const urls = redirectUrls(input.redirectUrls, input.clientType);
    const attributes = attributeValues(input.attributes);
    const scopes = clientScopes(input.scopes, this.options.scopes) ?? null;
    const secret = isConfidentialType(input.clientType) ? randomToken() : undefined;
    const record: ClientRecord = {
      id: newClientId(),
      clientType: input.clientType,
      redirectUrls: urls,
      attributes,
      createdAt: Date.now(),
      secretHash: secret === undefined ? null : sha256(secret),
      scopes,
      resourceServer: flag('resourceServer', input.resourceServer) ?? false,
      origin,
    };
    if (!(await this.store.create(record))) {
      throw new OAuthError('server_error', 'a freshly generated client id already exists');
    }
    const client = toClient(record);
    return secret === undefined ? client : { ...client, secret };
  }

  /**
   * The client with this id, or `null`. With the `clientMetadataDocuments` option on, an
   * `https` client id is read from its Client ID Metadata Document instead (from the cache when
   * it is there): the client it describes, with origin `metadata-document`; a URL, fetch or
   * document that is not acceptable throws `OAuthError` `invalid_client` saying why.
   */
  async get(clientId: string): Promise<OAuthClient | null> {
    if (typeof clientId === 'string' && this.documents.handles(clientId)) {
      return this.documents.get(clientId);
    }
    const record = await this.loadRecord(clientId);
    return record && toClient(record);
  }

  /**
   * The clients whose attributes hold every given value, like tags. Its cost grows with the
   * number of matches, never with the number of clients.
   */
  async find(attributes: Readonly<Record<string, AttributeValue>>): Promise<OAuthClient[]> {
    const wanted = attributeValues(attributes);
    if (Object.keys(wanted).length === 0) {
      throw new OAuthError('invalid_request', 'find() needs at least one attribute');
    }
    return (await this.store.findByAttributes(wanted)).map(toClient);
  }

  /** A page of registered clients, oldest first. */
  async list(options: ListClientsOptions = {}): Promise<OAuthClient[]> {
    const { offset, limit } = pageOf(options);
    return (await this.store.list(offset, limit)).map(toClient);
  }

  /** How many clients are registered. */
  count(): Promise<number> {
    return this.store.count();
  }

  /** Changes a client's redirect URLs, scopes or attributes; `null` if there is no such client. */
  async update(clientId: string, change: UpdateClientInput): Promise<OAuthClient | null> {
    const record = await this.loadRecord(clientId);
    if (!record) return null;
    const urls = change.redirectUrls && redirectUrls(change.redirectUrls, record.clientType);
    const scopes = change.scopes === null ? null : clientScopes(change.scopes, this.options.scopes);
    const setAttributes: Record<string, string> = {};
    const unsetAttributes: string[] = [];
    for (const [name, value] of Object.entries(change.attributes ?? {})) {
      if (value === null) unsetAttributes.push(attributeName(name));
      else setAttributes[attributeName(name)] = attributeValue(name, value);
    }
    const saved = await this.store.update(clientId, {
      redirectUrls: urls,
      scopes,
      resourceServer: flag('resourceServer', change.resourceServer),
      setAttributes,
      unsetAttributes,
    });
    return saved ? this.get(clientId) : null;
  }

  /**
   * Deletes a client and its index entries, and revokes every token issued to it (RFC 7592
   * §2.3); `false` if there was no such client. Finding its tokens walks the keys in Redis
   * (SCAN, which Redis filters by the client's tag), so it takes time in proportion to them. A
   * token request that authenticated just before the deletion may still store its token after
   * the walk passed; calling `delete()` again revokes it.
   */
  async delete(clientId: string): Promise<boolean> {
    // The record goes first, so that no token request of the client authenticates from here on.
    const existed = await this.store.delete(clientId);
    // Walked even when the record is already gone: a deletion cut short during the walk (Redis
    // timing out) is finished by calling delete() again.
    await this.grants.revokeGrantsOfClient(clientId, this.grantIds.clientTag(clientId));
    return existed;
  }

  /**
   * Gives a confidential client a new secret, returned here once; the old one stops working.
   * `null` if there is no such client.
   */
  async rotateSecret(clientId: string): Promise<RegisteredClient | null> {
    const record = await this.loadRecord(clientId);
    if (!record) return null;
    if (!isConfidentialType(record.clientType)) {
      throw new OAuthError(
        'invalid_client_metadata',
        `a ${record.clientType} client is public and has no secret`,
      );
    }
    const secret = randomToken();
    if (!(await this.store.update(clientId, { secretHash: sha256(secret) }))) return null;
    return { ...toClient(record), secret };
  }

  /**
   * The confidential client with this id if `secret` is its secret, else `null`. The secret is
   * compared in constant time, and an unknown id costs the same as a wrong secret.
   */
  async authenticate(clientId: string, secret: string): Promise<OAuthClient | null> {
    return clientWithSecret(await this.loadRecord(clientId), secret);
  }

  private async loadRecord(clientId: string): Promise<ClientRecord | null> {
    if (typeof clientId !== 'string' || clientId.length === 0 || !clientId.isWellFormed())
      return null;
    return this.store.get(clientId);
  }
}
