import { Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '../errors';
import type { OAuthClient } from '../interfaces';
import { documentCacheSeconds } from '../metadata-documents/cache-control';
import { looksLikeClientIdUrl, parseClientIdUrl } from '../metadata-documents/client-id-url';
import { MetadataDocumentError } from '../metadata-documents/metadata-document-error';
import { MetadataDocumentFetcher } from '../metadata-documents/metadata-document-fetcher';
import type { ClientMetadataDocumentPolicy } from '../options/client-metadata-document-policy';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { CachedMetadataDocument, MetadataDocumentStore } from '../redis/metadata-document-store';
import { toClient } from './client-records';
import { clientFromMetadataDocument } from './metadata-document-client';

/** The words of an `invalid_client` for a document that could not be read. */
function reasonOf(clientId: string, error: MetadataDocumentError): string {
  switch (error.stage) {
    case 'url':
      return `client_id is not a valid client identifier URL: ${error.message}`;
    case 'fetch':
      return `the client metadata document at ${clientId} could not be fetched: ${error.message}`;
    case 'content':
      return `the client metadata document at ${clientId} is invalid: ${error.message}`;
  }
}

/**
 * Clients described by OAuth Client ID Metadata Documents: a `client_id` that is an `https`
 * URL names the document to read. A document is fetched once, checked, and its client kept in
 * Redis for its cache lifetime, so a known client costs one GET; a failure is kept briefly,
 * so one bad `client_id` cannot make the server fetch on every request; and a process fetches
 * one URL once at a time, however many requests name it together.
 */
@Injectable()
export class MetadataDocumentClients {
  private readonly policy: ClientMetadataDocumentPolicy | null;
  private readonly scopes: ReadonlySet<string> | null;
  private readonly fetching = new Map<string, Promise<CachedMetadataDocument>>();

  constructor(
    private readonly store: MetadataDocumentStore,
    private readonly fetcher: MetadataDocumentFetcher,
    @Inject(OAUTHIST_OPTIONS) options: ResolvedOAuthistOptions,
  ) {
    this.policy = options.clientMetadataDocuments;
    this.scopes = options.scopes;
  }

  /** Whether `clientId` names a metadata document (the feature is on and it is a URL). */
  handles(clientId: string): boolean {
    return this.policy !== null && looksLikeClientIdUrl(clientId, this.policy.allowLoopbackHttp);
  }

  /**
   * The client the document at `clientId` describes. Throws `invalid_client` saying why when
   * the URL, the fetch or the document is not acceptable.
   */
  async get(clientId: string): Promise<OAuthClient> {
    const policy = this.policy;
    if (policy === null)
      throw new OAuthError('invalid_client', 'client_id names no registered client');
    let url: URL;
    try {
      url = parseClientIdUrl(clientId, policy.allowLoopbackHttp);
    } catch (error) {
      if (error instanceof MetadataDocumentError) {
        throw new OAuthError('invalid_client', reasonOf(clientId, error));
      }
      throw error;
    }
    const cached = (await this.store.read(clientId)) ?? (await this.load(url, policy));
    if (cached.kind === 'failure') throw new OAuthError('invalid_client', cached.reason);
    return toClient(cached.record);
  }

  private load(url: URL, policy: ClientMetadataDocumentPolicy): Promise<CachedMetadataDocument> {
    let pending = this.fetching.get(url.href);
    if (pending === undefined) {
      pending = this.fetchAndKeep(url, policy).finally(() => this.fetching.delete(url.href));
      this.fetching.set(url.href, pending);
    }
    return pending;
  }

  private async fetchAndKeep(
    url: URL,
    policy: ClientMetadataDocumentPolicy,
  ): Promise<CachedMetadataDocument> {
    try {
      const fetched = await this.fetcher.fetch(url, policy);
      const record = clientFromMetadataDocument(
        url.href,
        fetched.document,
        this.scopes,
        Date.now(),
      );
      const ttl = documentCacheSeconds(fetched.cacheControl, policy);
      // no-store: the client is used for this request only, and read again the next time.
      if (ttl > 0) await this.store.saveClient(record, ttl);
      return { kind: 'client', record };
    } catch (error) {
      if (!(error instanceof MetadataDocumentError)) throw error;
      const reason = reasonOf(url.href, error);
      if (policy.failureCacheSeconds > 0) {
        await this.store.saveFailure(url.href, reason, policy.failureCacheSeconds);
      }
      return { kind: 'failure', reason };
    }
  }
}
