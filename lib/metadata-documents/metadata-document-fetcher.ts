import { Inject, Injectable } from '@nestjs/common';
import type { LookupAddress, LookupOptions } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { LookupFunction, Socket } from 'node:net';
import type { ClientMetadataDocumentPolicy } from '../options/client-metadata-document-policy';
import { isLoopbackHost } from './client-id-url';
import { isFetchableAddress } from './fetchable-address';
import { CLIENT_METADATA_DOCUMENT_RESOLVER, HostResolver, ResolvedAddress } from './host-resolver';
import { MetadataDocumentError } from './metadata-document-error';

/** A document as it was served: its JSON object and its `Cache-Control` header. */
export interface FetchedMetadataDocument {
  readonly document: Readonly<Record<string, unknown>>;
  readonly cacheControl: string | undefined;
}

const SPECIAL_USE = 'it resolves to a private or special-use address, which is never fetched';
// application/json, or a more specific application/<something>+json (the draft's §4).
const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

function fetchError(reason: string): MetadataDocumentError {
  return new MetadataDocumentError('fetch', reason);
}

function contentError(reason: string): MetadataDocumentError {
  return new MetadataDocumentError('content', reason);
}

/** Words for a network failure: its code, never its message (which may name an address). */
function describeNetworkError(error: unknown): MetadataDocumentError {
  if (error instanceof MetadataDocumentError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ENODATA':
      return fetchError('its host name could not be resolved');
    case 'ECONNREFUSED':
      return fetchError('the connection was refused');
    case 'ECONNRESET':
    case 'EPIPE':
      return fetchError('the connection was closed before the document was read');
    default:
      if (typeof code === 'string' && /CERT|SSL|TLS|SIGNATURE|ERR_TLS/.test(code)) {
        return fetchError(`its TLS certificate was not accepted (${code})`);
      }
      return fetchError(`the request failed${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}

/**
 * Fetches Client ID Metadata Documents without letting a URL that anyone can name reach inside
 * the network (the draft's SSRF considerations, RFC 6890). Every address is checked where it is
 * used: the host name is resolved by the injectable resolver inside the connection's own
 * `lookup`, so the address checked is the address connected to (no second resolution that DNS
 * could answer differently); an IP literal, for which Node skips `lookup`, is checked before
 * any connection; and the socket's peer is checked once more on `connect`. Redirects are
 * refused, not followed; the whole fetch has one deadline, and reading stops at the size cap.
 */
@Injectable()
export class MetadataDocumentFetcher {
  constructor(@Inject(CLIENT_METADATA_DOCUMENT_RESOLVER) private readonly resolver: HostResolver) {}

  /** The document at `url` (already checked as a Client Identifier URL); throws `MetadataDocumentError`. */
  fetch(url: URL, policy: ClientMetadataDocumentPolicy): Promise<FetchedMetadataDocument> {
    const allowLoopback = policy.allowLoopbackHttp;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0 && !isFetchableAddress(host, allowLoopback)) {
      return Promise.reject(
        fetchError('its host is a private or special-use address, which is never fetched'),
      );
    }
    const secure = url.protocol === 'https:';
    if (!secure && !(allowLoopback && isLoopbackHost(url.hostname))) {
      return Promise.reject(fetchError('it must use https (CIMD §3)'));
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const options: https.RequestOptions = {
        method: 'GET',
        headers: { Accept: 'application/json', 'User-Agent': 'oauthist' },
        // A fresh connection every time: a pooled socket would skip both address checks.
        agent: false,
        lookup: this.lookup(allowLoopback),
      };
      const request = secure ? https.request(url, options) : http.request(url, options);
      const timer = setTimeout(
        () => fail(fetchError(`it was not served within ${policy.timeoutMs} ms`)),
        policy.timeoutMs,
      );
      function fail(error: MetadataDocumentError): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(error);
      }
      request.on('socket', (socket: Socket) => {
        socket.once('connect', () => {
          const peer = socket.remoteAddress;
          if (peer === undefined || !isFetchableAddress(peer, allowLoopback)) {
            fail(fetchError(SPECIAL_USE));
          }
        });
      });
      request.on('error', (error) => fail(describeNetworkError(error)));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          return fail(
            fetchError(
              `it answered with a redirect (HTTP ${status}), which is not followed (CIMD §5)`,
            ),
          );
        }
        if (status !== 200)
          return fail(fetchError(`it answered HTTP ${status}, not 200 (CIMD §5)`));
        const type = response.headers['content-type'];
        if (type === undefined || !JSON_TYPE.test(type)) {
          return fail(
            contentError(
              `it is served as ${type === undefined ? 'no content type' : JSON.stringify(type.slice(0, 64))}, not as JSON (CIMD §4)`,
            ),
          );
        }
        const tooLarge = contentError(`it is larger than ${policy.maxDocumentBytes} bytes`);
        if (Number(response.headers['content-length']) > policy.maxDocumentBytes) {
          return fail(tooLarge);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > policy.maxDocumentBytes) return fail(tooLarge);
          chunks.push(chunk);
        });
        response.on('error', (error) => fail(describeNetworkError(error)));
        response.on('end', () => {
          if (settled) return;
          let document: unknown;
          try {
            const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
            document = JSON.parse(text);
          } catch {
            return fail(contentError('it is not valid JSON'));
          }
          if (document === null || typeof document !== 'object' || Array.isArray(document)) {
            return fail(contentError('it is not a JSON object'));
          }
          settled = true;
          clearTimeout(timer);
          const cacheControl = response.headers['cache-control'];
          resolve({ document: document as Record<string, unknown>, cacheControl });
        });
      });
      request.end();
    });
  }

  /**
   * The `lookup` of the connection: resolves through the injected resolver and refuses the
   * host if any of its addresses is special-use, so a name cannot mix a public address with
   * an internal one and hope for the latter.
   */
  private lookup(allowLoopback: boolean): LookupFunction {
    return (hostname: string, options: LookupOptions, callback) => {
      const checked = (resolved: readonly ResolvedAddress[]): LookupAddress[] => {
        if (resolved.some(({ address }) => !isFetchableAddress(address, allowLoopback))) {
          throw fetchError(SPECIAL_USE);
        }
        const wanted = resolved.filter(
          ({ family }) => !options.family || options.family === family,
        );
        if (wanted.length === 0) throw fetchError('its host name has no address');
        return wanted.map(({ address, family }) => ({ address, family }));
      };
      Promise.resolve()
        .then(() => this.resolver(hostname))
        .then(checked)
        .then(
          (addresses) => {
            if (options.all) callback(null, addresses);
            else callback(null, addresses[0].address, addresses[0].family);
          },
          (error: unknown) => callback(describeNetworkError(error), '', 0),
        );
    };
  }
}
