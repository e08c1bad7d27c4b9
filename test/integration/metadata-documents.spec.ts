import https from 'node:https';
import { randomUUID } from 'node:crypto';
import { CLIENT_METADATA_DOCUMENT_RESOLVER, ClientService, OAuthError } from '../../lib';
import type { OAuthistClientMetadataDocumentOptions } from '../../lib';
import { RedisConnection } from '../../lib/redis/redis-connection';
import { RedisKeys } from '../../lib/redis/redis-keys';
import { DocumentServer, startDocumentServer, tableResolver } from '../support/document-server';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';

/** A path no other test uses, so that no test reads another's cache. */
function freshPath(): string {
  return `/clients/${randomUUID()}.json`;
}

async function refusal(clients: ClientService, clientId: string): Promise<OAuthError> {
  try {
    await clients.get(clientId);
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error(`${clientId} was accepted`);
}

// Names that resolve only through this table: no DNS query and no packet leaves the machine.
const RESOLVER_TABLE = {
  'documents.test': ['127.0.0.1'],
  'evil-loopback.test': ['127.0.0.1'],
  'evil-private.test': ['10.0.0.1'],
  'evil-metadata.test': ['169.254.169.254'],
  'evil-v6.test': ['::1'],
  'evil-mapped.test': ['::ffff:10.0.0.1'],
  'evil-mixed.test': ['127.0.0.1', '10.0.0.1'],
};

async function fixtureWith(
  options: OAuthistClientMetadataDocumentOptions,
  resolver = tableResolver(RESOLVER_TABLE),
): Promise<OAuthistFixture> {
  return createOAuthistFixture({
    scopes: ['profile', 'email'],
    clientMetadataDocuments: options,
    extraProviders: [{ provide: CLIENT_METADATA_DOCUMENT_RESOLVER, useValue: resolver }],
  });
}

describe('Client ID Metadata Documents', () => {
  let server: DocumentServer;

  beforeAll(async () => {
    server = await startDocumentServer();
  });
  afterAll(() => server.close());

  describe('reading and caching (CIMD §5.2)', () => {
    let fixture: OAuthistFixture;
    let clients: ClientService;
    let keys: RedisKeys;

    beforeAll(async () => {
      fixture = await fixtureWith({ allowLoopbackHttp: true, failureCacheSeconds: 60 });
      clients = fixture.module.get(ClientService);
      keys = new RedisKeys(fixture.prefix);
    });
    afterAll(() => fixture.close());

    const ttlOf = (url: string): Promise<number> => fixture.redis.ttl(keys.metadataDocument(url));

    it('reads the client a document describes, asking for JSON', async () => {
      const path = freshPath();
      const url = server.serveDocument(path, {
        scope: 'profile',
        client_uri: 'https://client.example/',
      });
      const client = await clients.get(url);
      expect(client).toEqual({
        id: url,
        clientType: 'user-agent',
        isConfidential: false,
        redirectUrls: ['https://client.example/cb'],
        attributes: { name: 'Example Client', client_uri: 'https://client.example/' },
        scopes: ['profile'],
        resourceServer: false,
        createdAt: expect.any(Date),
        origin: 'metadata-document',
      });
      expect(server.lastAccept(path)).toBe('application/json');
    });

    it('a second lookup fetches nothing: the checked client comes from Redis in one GET', async () => {
      const path = freshPath();
      const url = server.serveDocument(path);
      const first = await clients.get(url);
      const { client } = fixture.module.get(RedisConnection);
      const sent = jest.spyOn(client, 'sendCommand');
      try {
        expect(await clients.get(url)).toEqual(first);
        expect(sent.mock.calls.map(([command]) => command.name)).toEqual(['get']);
      } finally {
        sent.mockRestore();
      }
      expect(server.hits(path)).toBe(1);
    });

    it('keeps a document without max-age for the default hour', async () => {
      const url = server.serveDocument(freshPath());
      await clients.get(url);
      expect(await ttlOf(url)).toBeGreaterThan(3590);
      expect(await ttlOf(url)).toBeLessThanOrEqual(3600);
    });

    it.each([
      ['max-age=600', 600],
      ['public, max-age=10', 300],
      ['max-age=31536000', 86400],
    ])('honours Cache-Control %s within the bounds: %d s', async (cacheControl, seconds) => {
      const url = server.serveDocument(freshPath(), {}, { 'cache-control': cacheControl });
      await clients.get(url);
      expect(await ttlOf(url)).toBeGreaterThan(seconds - 10);
      expect(await ttlOf(url)).toBeLessThanOrEqual(seconds);
    });

    it('keeps no document served with no-store: each lookup fetches it again', async () => {
      const path = freshPath();
      const url = server.serveDocument(path, {}, { 'cache-control': 'no-store' });
      await clients.get(url);
      await clients.get(url);
      expect(server.hits(path)).toBe(2);
      expect(await fixture.redis.exists(keys.metadataDocument(url))).toBe(0);
    });

    it('remembers a failure for failureCacheSeconds: a bad client_id costs one fetch a minute', async () => {
      const path = freshPath();
      const url = server.url(path);
      server.serve(path, { status: 404, body: 'no such client' });
      const first = await refusal(clients, url);
      expect(first.error).toBe('invalid_client');
      expect(first.description).toBe(
        `the client metadata document at ${url} could not be fetched: it answered HTTP 404, not 200 (CIMD section 5)`,
      );
      server.serveDocument(path);
      expect((await refusal(clients, url)).description).toBe(first.description);
      expect(server.hits(path)).toBe(1);
      expect(await ttlOf(url)).toBeGreaterThan(50);
      expect(await ttlOf(url)).toBeLessThanOrEqual(60);
      // Once the failure expires, the document is read again.
      await fixture.redis.del(keys.metadataDocument(url));
      expect((await clients.get(url))?.id).toBe(url);
    });

    it('fetches a URL once however many lookups ask for it at the same moment', async () => {
      const path = freshPath();
      server.serve(path, {
        delayMs: 100,
        body: { client_id: server.url(path), redirect_uris: ['https://client.example/cb'] },
      });
      const found = await Promise.all(
        Array.from({ length: 5 }, () => clients.get(server.url(path))),
      );
      expect(new Set(found.map((client) => client?.id))).toEqual(new Set([server.url(path)]));
      expect(server.hits(path)).toBe(1);
    });

    it('plain http is for loopback host names and literals only, even where a name resolves to loopback', async () => {
      const path = freshPath();
      server.serve(path, {
        body: {
          client_id: server.url(path).replace('127.0.0.1', 'documents.test'),
          redirect_uris: ['https://client.example/cb'],
        },
      });
      const url = server.url(path).replace('127.0.0.1', 'documents.test');
      // http is for loopback hosts only, even where a name resolves to one.
      expect((await refusal(clients, url)).description).toBe(
        `client_id is not a valid client identifier URL: it must use https (CIMD section 3)`,
      );
    });

    it('a client of a document is not in the registry: update, delete and secrets do not reach it', async () => {
      const url = server.serveDocument(freshPath());
      await clients.get(url);
      expect(await clients.update(url, { attributes: { name: 'x' } })).toBeNull();
      expect(await clients.delete(url)).toBe(false);
      expect(await clients.authenticate(url, 'secret')).toBeNull();
      expect((await clients.get(url))?.attributes.name).toBe('Example Client');
    });
  });

  describe('what a fetch refuses', () => {
    let fixture: OAuthistFixture;
    let clients: ClientService;

    beforeAll(async () => {
      fixture = await fixtureWith({
        allowLoopbackHttp: true,
        timeoutMs: 300,
        maxDocumentBytes: 1024,
        failureCacheSeconds: 0,
      });
      clients = fixture.module.get(ClientService);
    });
    afterAll(() => fixture.close());

    const couldNotFetch = (url: string, reason: string): string =>
      `the client metadata document at ${url} could not be fetched: ${reason}`;
    const invalid = (url: string, reason: string): string =>
      `the client metadata document at ${url} is invalid: ${reason}`;

    it('a redirect, which is not followed (CIMD §5)', async () => {
      const path = freshPath();
      const target = server.serveDocument(freshPath());
      server.serve(path, { status: 302, headers: { location: target } });
      const url = server.url(path);
      expect((await refusal(clients, url)).description).toBe(
        couldNotFetch(
          url,
          'it answered with a redirect (HTTP 302), which is not followed (CIMD section 5)',
        ),
      );
      expect(server.hits(new URL(target).pathname)).toBe(0);
    });

    it.each([false, true])(
      'a document larger than maxDocumentBytes, chunked: %s (CIMD, Maximum Response Size)',
      async (chunked) => {
        const path = freshPath();
        server.serve(path, {
          chunked,
          body: {
            client_id: server.url(path),
            redirect_uris: ['https://client.example/cb'],
            client_name: 'x'.repeat(2000),
          },
        });
        const url = server.url(path);
        expect((await refusal(clients, url)).description).toBe(
          invalid(url, 'it is larger than 1024 bytes'),
        );
      },
    );

    it.each([
      ['text/html', '<html></html>', "it is served as 'text/html', not as JSON (CIMD section 4)"],
      ['application/json', '{"client_id":', 'it is not valid JSON'],
      ['application/json', '["a"]', 'it is not a JSON object'],
      ['application/json', '"text"', 'it is not a JSON object'],
      ['application/json', '\xff\xfe{}', 'it is not valid JSON'],
    ])('a document served as %s: %j', async (type, body, reason) => {
      const path = freshPath();
      server.serve(path, { headers: { 'content-type': type }, body });
      const url = server.url(path);
      expect((await refusal(clients, url)).description).toBe(invalid(url, reason));
    });

    it('takes an application/<something>+json document (CIMD §4)', async () => {
      const path = freshPath();
      const url = server.serveDocument(
        path,
        {},
        { 'content-type': 'application/cimd+json; charset=utf-8' },
      );
      expect((await clients.get(url))?.id).toBe(url);
    });

    it('a server that does not answer within timeoutMs', async () => {
      const path = freshPath();
      server.serve(path, { hang: true });
      const url = server.url(path);
      const started = Date.now();
      expect((await refusal(clients, url)).description).toBe(
        couldNotFetch(url, 'it was not served within 300 ms'),
      );
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('a server that is not there', async () => {
      const closed = await startDocumentServer();
      await closed.close();
      const url = closed.url('/client.json');
      expect((await refusal(clients, url)).description).toBe(
        couldNotFetch(url, 'the connection was refused'),
      );
    });

    it('a host name that does not resolve', async () => {
      const url = 'https://unknown.test/client.json';
      expect((await refusal(clients, url)).description).toBe(
        couldNotFetch(url, 'its host name could not be resolved'),
      );
    });

    it('a document whose client_id is not its URL (CIMD §4)', async () => {
      const path = freshPath();
      const url = server.serveDocument(path, { client_id: 'https://client.example/client.json' });
      expect((await refusal(clients, url)).description).toBe(
        invalid(
          url,
          "its client_id 'https://client.example/client.json' does not match the URL it was fetched from (CIMD section 4)",
        ),
      );
    });

    it.each(['client_secret_basic', 'private_key_jwt'])(
      'a document whose token_endpoint_auth_method is %s: only public clients (CIMD §4.1)',
      async (method) => {
        const url = server.serveDocument(freshPath(), { token_endpoint_auth_method: method });
        const error = await refusal(clients, url);
        expect(error.error).toBe('invalid_client');
        expect(error.description).toContain(
          `only public clients ('none') may use metadata documents`,
        );
      },
    );

    it('a document with a client_secret (CIMD §4.1)', async () => {
      const url = server.serveDocument(freshPath(), { client_secret: 'shh' });
      expect((await refusal(clients, url)).description).toBe(
        invalid(url, 'it must not contain client_secret (CIMD section 4.1)'),
      );
    });

    it('a document with a scope the server does not issue', async () => {
      const url = server.serveDocument(freshPath(), { scope: 'profile admin' });
      expect((await refusal(clients, url)).description).toBe(
        invalid(url, "'admin' is not a scope this server issues"),
      );
    });

    it('a document without redirect_uris (CIMD §4.2)', async () => {
      const url = server.serveDocument(freshPath(), { redirect_uris: undefined });
      expect((await refusal(clients, url)).description).toBe(
        invalid(url, 'redirect_uris must be a non-empty array (CIMD section 4.2)'),
      );
    });

    it('a client_id URL that the draft does not allow (CIMD §3), before any fetch', async () => {
      const path = freshPath();
      server.serveDocument(path);
      const url = `${server.url(path)}#fragment`;
      expect((await refusal(clients, url)).description).toBe(
        'client_id is not a valid client identifier URL: it must not contain a fragment (CIMD section 3)',
      );
      expect(server.hits(path)).toBe(0);
    });

    it('loopback allowed still refuses private addresses, and a name mixing both', async () => {
      for (const host of ['evil-private.test', 'evil-mixed.test', 'evil-mapped.test']) {
        const url = `https://${host}/client.json`;
        expect((await refusal(clients, url)).description).toBe(
          couldNotFetch(
            url,
            'it resolves to a private or special-use address, which is never fetched',
          ),
        );
      }
    });
  });

  describe('SSRF: what is never fetched (CIMD, SSRF considerations; RFC 6890)', () => {
    let fixture: OAuthistFixture;
    let clients: ClientService;
    const resolver = tableResolver(RESOLVER_TABLE);

    beforeAll(async () => {
      fixture = await fixtureWith({ failureCacheSeconds: 0 }, resolver);
      clients = fixture.module.get(ClientService);
    });
    afterAll(() => fixture.close());

    it.each([
      ['evil-loopback.test', '127.0.0.1'],
      ['evil-private.test', '10.0.0.1'],
      ['evil-metadata.test', '169.254.169.254'],
      ['evil-v6.test', '::1'],
      ['evil-mapped.test', '::ffff:10.0.0.1'],
    ])('a host name resolving to a special-use address: %s (%s)', async (host) => {
      const url = `https://${host}/client.json`;
      const request = jest.spyOn(https, 'request');
      let error: OAuthError;
      try {
        error = await refusal(clients, url);
        // The refusal comes from the connection's own lookup, so the address checked is the
        // one that would have been connected to.
        expect(request).toHaveBeenCalledTimes(1);
      } finally {
        request.mockRestore();
      }
      expect(error.error).toBe('invalid_client');
      expect(error.description).toBe(
        `the client metadata document at ${url} could not be fetched: it resolves to a private or special-use address, which is never fetched`,
      );
      // The address is checked where the connection looks the name up: it was asked for.
      expect(resolver.asked).toContain(host);
    });

    it.each([
      'https://127.0.0.1/client.json',
      'https://[::1]/client.json',
      'https://10.0.0.1/client.json',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:a00:1]/client.json',
      'https://0x7f.1/client.json',
    ])('an IP literal: %s, refused before any connection is made', async (id) => {
      const request = jest.spyOn(https, 'request');
      try {
        const url = new URL(id).href;
        const error = await refusal(clients, url);
        expect(error.description).toBe(
          `the client metadata document at ${url} could not be fetched: its host is a private or special-use address, which is never fetched`,
        );
        expect(request).not.toHaveBeenCalled();
      } finally {
        request.mockRestore();
      }
    });

    it('loopback http, unless allowLoopbackHttp: the id is not a document URL then, just an unknown client', async () => {
      const url = server.serveDocument(freshPath());
      expect(await clients.get(url)).toBeNull();
      expect(server.hits(new URL(url).pathname)).toBe(0);
    });
  });

  it('off by default: an https client_id is just an id the registry does not know', async () => {
    const fixture = await createOAuthistFixture();
    try {
      const url = server.serveDocument(freshPath());
      expect(
        await fixture.module.get(ClientService).get(url.replace('http:', 'https:')),
      ).toBeNull();
    } finally {
      await fixture.close();
    }
  });
});
