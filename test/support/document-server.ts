import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostResolver, ResolvedAddress } from '../../lib';

/** How the test server answers one path. */
export interface DocumentAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string as is, anything else as JSON. */
  readonly body?: unknown;
  /** Milliseconds to wait before answering. */
  readonly delayMs?: number;
  /** Never answers. */
  readonly hang?: boolean;
  /** Sends the body in chunks without Content-Length. */
  readonly chunked?: boolean;
}

/**
 * An HTTP server on 127.0.0.1 that serves Client ID Metadata Documents (or what a test makes
 * of them) and counts the requests to each path: nothing it does leaves the loopback interface.
 */
export interface DocumentServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** The URL of `path` on this server: a `client_id` with loopback documents allowed. */
  url(path: string): string;
  /** Sets what `path` answers. */
  serve(path: string, answer: DocumentAnswer): void;
  /** Serves a valid document at `path` whose client_id is its URL; `fields` added or replacing. */
  serveDocument(
    path: string,
    fields?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): string;
  /** How many requests `path` received. */
  hits(path: string): number;
  /** The Accept header of the last request to `path`. */
  lastAccept(path: string): string | undefined;
  close(): Promise<void>;
}

export async function startDocumentServer(): Promise<DocumentServer> {
  const answers = new Map<string, DocumentAnswer>();
  const hits = new Map<string, number>();
  const accepts = new Map<string, string | undefined>();
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    accepts.set(path, request.headers.accept);
    const answer = answers.get(path) ?? { status: 404, body: 'not found' };
    if (answer.hang) return;
    const body =
      typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? null);
    const send = (): void => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...answer.headers,
      };
      if (!answer.chunked) headers['content-length'] = String(Buffer.byteLength(body));
      response.writeHead(answer.status ?? 200, headers);
      if (!answer.chunked) return void response.end(body);
      for (let i = 0; i < body.length; i += 512) response.write(body.slice(i, i + 512));
      response.end();
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = (path: string): string => `${origin}${path}`;
  return {
    origin,
    url,
    serve: (path, answer) => void answers.set(path, answer),
    serveDocument: (path, fields = {}, headers = {}) => {
      answers.set(path, {
        headers,
        body: {
          client_id: url(path),
          client_name: 'Example Client',
          redirect_uris: ['https://client.example/cb'],
          token_endpoint_auth_method: 'none',
          ...fields,
        },
      });
      return url(path);
    },
    hits: (path) => hits.get(path) ?? 0,
    lastAccept: (path) => accepts.get(path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A resolver that answers from a table and never asks DNS, counting what it was asked: names
 * it does not know do not resolve.
 */
export function tableResolver(table: Record<string, readonly string[]>): HostResolver & {
  asked: string[];
} {
  const asked: string[] = [];
  const resolver = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { asked });
}
