import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import fc from 'fast-check';
import type { RegisteredClient } from '../../lib';
import { ADAPTERS } from '../fixtures/http-app';
import { basicOf, E2eApp, startE2eApp } from '../support/http-flows';
import { CaseCount, expectAlive, hostileText, runs, SEED } from './hostile-input';

/**
 * What Node's HTTP client refuses to send, sent on a bare socket: NUL, CR and LF inside header
 * values and the request target, obsolete line folding, raw UTF-8 and repeated headers.
 */
const ENDPOINTS: { method: string; path: string }[] = [
  { method: 'POST', path: '/oauth/token' },
  { method: 'POST', path: '/oauth/revoke' },
  { method: 'POST', path: '/oauth/introspect' },
  { method: 'GET', path: '/oauth/authorize' },
  { method: 'POST', path: '/oauth/authorize' },
  { method: 'GET', path: '/api/me' },
  { method: 'POST', path: '/api/me' },
];

const CONTROL = fc.oneof(
  // Half without controls: raw UTF-8 that Node's parser lets through to the application.
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('\0', '\r', '\n', '\r\n', '\r\n\t', '\r\n ', '\t', ' ', '\x7f'),
  },
);

/** Raw bytes of text, controls spliced in where they are most confusing. */
const rawText: fc.Arbitrary<string> = fc
  .tuple(hostileText, CONTROL, hostileText)
  .map(([head, control, tail]) => Buffer.from(`${head}${control}${tail}`).toString('latin1'));

interface RawCase {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly string[];
  readonly body: string;
  readonly declaredShort: number;
}

/** Sends `bytes`; resolves with the status of the first answer, or 0 if it closed without one. */
function sendRaw(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer and no close within 3 s'));
    }, 3000);
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may reset a request it refuses while it is still being sent.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const head = Buffer.concat(chunks).toString('latin1');
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0));
    });
    socket.end(bytes);
  });
}

const cases = new CaseCount();
afterAll(() => cases.print('raw-http'));

describe.each(ADAPTERS)('raw HTTP with control characters (%s)', (adapter) => {
  let e2e: E2eApp;
  let client: RegisteredClient;

  beforeAll(async () => {
    e2e = await startE2eApp(adapter, { scopes: ['profile'] });
    client = await e2e.clients.create({
      clientType: 'web',
      redirectUrls: ['https://client.example/cb'],
    });
  });
  afterAll(() => e2e.close());
  afterEach(() => expectAlive(e2e.server, client));

  it('never answers 5xx nor hangs, and keeps answering', async () => {
    const property = `raw requests (${adapter})`;
    const port = (e2e.server.address() as AddressInfo).port;
    const rawCase: fc.Arbitrary<RawCase> = fc
      .record({
        endpoint: fc.constantFrom(...ENDPOINTS),
        query: fc.oneof(
          fc.constant(''),
          rawText.map((text) => `?access_token=${text}`),
        ),
        headers: fc.array(
          fc.oneof(
            rawText.map((text) => `Authorization: Basic ${text}`),
            rawText.map((text) => `Authorization: Bearer ${text}`),
            fc.constant(`Authorization: ${basicOf(client)}`),
            rawText.map((text) => `Content-Type: application/x-www-form-urlencoded${text}`),
            fc.constant('Content-Type: application/x-www-form-urlencoded'),
            fc.constant('Content-Type: application/json'),
            rawText.map((text) => `Accept: ${text}`),
            rawText.map((text) => `X-${text}: 1`),
            fc.constant(`X-Long: ${'a'.repeat(20_000)}`),
            fc.constant('Transfer-Encoding: chunked'),
            fc.constant('Content-Length: 1, 2'),
            fc.constant('Content-Length: -1'),
          ),
          { maxLength: 4 },
        ),
        body: fc.oneof(
          fc.constant('grant_type=client_credentials'),
          rawText.map((text) => `grant_type=client_credentials&token=${text}`),
          fc.constant('0\r\n\r\n'),
          fc.constant('zz\r\nabc\r\n'),
        ),
        declaredShort: fc.nat({ max: 3 }),
      })
      .map(({ endpoint, ...rest }) => ({ ...endpoint, ...rest }));

    await fc.assert(
      fc.asyncProperty(rawCase, async ({ method, path, query, headers, body, declaredShort }) => {
        const payload = Buffer.from(body, 'latin1');
        // Never more than is sent, so that the server has no reason to wait.
        const length = Math.max(0, payload.length - declaredShort);
        const head = [
          `${method} ${path}${query} HTTP/1.1`,
          'Host: 127.0.0.1',
          ...headers,
          'Connection: close',
          `Content-Length: ${length}`,
          '',
          '',
        ].join('\r\n');
        const status = await sendRaw(port, Buffer.concat([Buffer.from(head, 'latin1'), payload]));
        cases.count(property, status);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: runs(150), seed: SEED },
    );
  });
});
