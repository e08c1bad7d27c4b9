import { Injectable } from '@nestjs/common';
import type { ClientType } from '../interfaces';
import type { ClientRecord } from './client-store';
import { RedisConnection } from './redis-connection';
import { storageCall } from './storage-call';

/** What the cache holds for a `client_id` URL: its client, or why it could not be read. */
export type CachedMetadataDocument =
  | { readonly kind: 'client'; readonly record: ClientRecord }
  | { readonly kind: 'failure'; readonly reason: string };

/** The stored form: the checked client's own fields only, never the bytes that were served. */
interface StoredDocument {
  readonly client?: {
    readonly type: ClientType;
    readonly redirect_urls: readonly string[];
    readonly attributes: Readonly<Record<string, string>>;
    readonly scopes: readonly string[] | null;
    readonly fetched: number;
  };
  readonly failure?: string;
}

/**
 * The cache of Client ID Metadata Documents: one string per URL, so a lookup of a known
 * document is one GET, and its TTL is the document's cache lifetime.
 */
@Injectable()
export class MetadataDocumentStore {
  constructor(private readonly redis: RedisConnection) {}

  /** What is cached for `url`, or `null`. */
  async read(url: string): Promise<CachedMetadataDocument | null> {
    const raw = await storageCall(this.redis.client.get(this.redis.keys.metadataDocument(url)));
    if (raw === null) return null;
    const stored = JSON.parse(raw) as StoredDocument;
    if (stored.client === undefined) return { kind: 'failure', reason: stored.failure ?? '' };
    const { client } = stored;
    return {
      kind: 'client',
      record: {
        id: url,
        clientType: client.type,
        redirectUrls: client.redirect_urls,
        attributes: client.attributes,
        createdAt: client.fetched,
        secretHash: null,
        scopes: client.scopes,
        resourceServer: false,
        origin: 'metadata-document',
      },
    };
  }

  /** Keeps the client a document describes for `ttl` seconds. */
  async saveClient(record: ClientRecord, ttl: number): Promise<void> {
    const stored: StoredDocument = {
      client: {
        type: record.clientType,
        redirect_urls: record.redirectUrls,
        attributes: record.attributes,
        scopes: record.scopes,
        fetched: record.createdAt,
      },
    };
    await this.save(record.id, stored, ttl);
  }

  /** Remembers for `ttl` seconds that the document at `url` could not be read, and why. */
  async saveFailure(url: string, reason: string, ttl: number): Promise<void> {
    await this.save(url, { failure: reason }, ttl);
  }

  private async save(url: string, stored: StoredDocument, ttl: number): Promise<void> {
    await storageCall(
      this.redis.client.set(
        this.redis.keys.metadataDocument(url),
        JSON.stringify(stored),
        'EX',
        ttl,
      ),
    );
  }
}
