import { IncomingHttpHeaders, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { Adapter } from '../fixtures/http-app';
import { basic } from '../support/grants';

/**
 * The seed of every property: fixed, so that a run is reproducible and the suite's time
 * bounded; FC_SEED explores others (a failure prints the seed and path to replay it).
 */
export const SEED = process.env.FC_SEED === undefined ? 0x0a17 : Number(process.env.FC_SEED);

/** Runs per property and adapter; FC_RUNS raises them for a longer hunt. */
export function runs(base: number): number {
  return process.env.FC_RUNS === undefined ? base : Number(process.env.FC_RUNS);
}

/** The default body limits: body-parser's 100 kB on Express, Fastify's own 1 MiB. */
export const BODY_LIMIT: Readonly<Record<Adapter, number>> = {
  express: 100 * 1024,
  fastify: 1024 * 1024,
};

/** RFC 6749 §5.2, RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E only. */
export const ERROR_DESCRIPTION = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** The error codes of a token endpoint (RFC 6749 §5.2), which revocation and introspection use. */
export const TOKEN_ENDPOINT_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
];

/** The error codes of the authorization endpoint (RFC 6749 §4.1.2.1, §4.2.2.1). */
export const AUTHORIZATION_ERRORS = [
  'invalid_request',
  'invalid_client',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
];

/** The cases each property ran and the statuses they got, printed once per file. */
export class CaseCount {
  private readonly counts = new Map<string, Map<number, number>>();

  count(property: string, status: number): void {
    const statuses = this.counts.get(property) ?? new Map<number, number>();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    this.counts.set(property, statuses);
  }

  /** One line per property, written past Jest's console so that it stays one line. */
  print(file: string): void {
    const lines = [...this.counts].map(([name, statuses]) => {
      const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
      const split = [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}x${n}`)
        .join(' ');
      return `property ${file} | ${name}: ${total} cases (${split})\n`;
    });
    process.stdout.write(lines.join(''));
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding: what goes on the wire is built by hand, so that it can be wrong on purpose.

function hex(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Percent-encodes every code unit outside the unreserved set as WTF-8: a lone surrogate becomes
 * its 3-byte sequence (%ED%A0%80), which no UTF-8 decoder accepts, as a hostile client sends it.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const character of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(character)) {
      out += character;
      continue;
    }
    const point = character.codePointAt(0) as number;
    const bytes =
      point < 0x80
        ? [point]
        : point < 0x800
          ? [0xc0 | (point >> 6), 0x80 | (point & 63)]
          : point < 0x10000
            ? [0xe0 | (point >> 12), 0x80 | ((point >> 6) & 63), 0x80 | (point & 63)]
            : [
                0xf0 | (point >> 18),
                0x80 | ((point >> 12) & 63),
                0x80 | ((point >> 6) & 63),
                0x80 | (point & 63),
              ];
    out += bytes.map(hex).join('');
  }
  return out;
}

/** A header value Node's client will send: UTF-8 bytes read as Latin-1, no control bytes. */
export function headerSafe(text: string): string {
  const latin1 = Buffer.from(text, 'utf8').toString('latin1');
  // eslint-disable-next-line no-control-regex
  return latin1.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
}

/** `name=value&...` from pairs already encoded for the wire; a `null` value leaves out `=`. */
export function formOf(pairs: readonly Pair[]): string {
  return pairs.map(([name, value]) => (value === null ? name : `${name}=${value}`)).join('&');
}

/** One parameter on the wire: its encoded name and its encoded value (`null`: no `=`). */
export type Pair = readonly [name: string, value: string | null];

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const SPECIAL = [
  '\0',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\x7f',
  '\x1b',
  '\u2028',
  '\ufeff',
  '\u202e',
  '\ufffd',
  '"',
  '\\',
  '<',
  '>',
  '&',
  '=',
  '+',
  ';',
  '%',
  ' ',
  '#',
  '?',
  '/',
  "'",
  '`',
  '{',
  '}',
  '[',
  ']',
];

/** Text a hostile client sends, before encoding: unicode, controls, lone surrogates, odd words. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(...SPECIAL), minLength: 1, maxLength: 20 }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
    minLength: 1,
    maxLength: 4,
  }),
  fc
    .tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 10 }), fc.constantFrom(...SPECIAL))
    .map(([text, special]) => `${text}${special}${text}`),
  fc.constantFrom(
    '',
    ' ',
    'null',
    'undefined',
    '[object Object]',
    'true',
    '0',
    '-1',
    'NaN',
    '__proto__',
    'constructor',
    '${jndi:ldap://x}',
    "' OR 1=1 --",
    '../../etc/passwd',
    '<script>alert(1)</script>',
  ),
);

/** Percent sequences no decoder should choke on, and some that are not sequences at all. */
const BROKEN_ENCODINGS = [
  '%',
  '%%',
  '%zz',
  '%E0%A4%A',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%ED%BF%BF%ED%A0%80',
  '%F4%90%80%80',
  '%u0041',
  '%00',
  '%0D%0A',
  '%0D%0ALocation:%20https://evil.example/',
  '+',
  '%2B',
  '%25',
  '%26%3D',
];

/** A value on the wire: encoded hostile text, broken encodings, or a very long value. */
export function wireValue(maxLong: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: hostileText.map(percentEncode) },
    { weight: 2, arbitrary: fc.constantFrom(...BROKEN_ENCODINGS) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(hostileText, fc.constantFrom(...BROKEN_ENCODINGS))
        .map(([text, broken]) => `${percentEncode(text)}${broken}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: Math.min(257, maxLong), max: maxLong })
        .chain((length) =>
          fc.constantFrom('x'.repeat(length), '%F0%9F%92%A9'.repeat(Math.ceil(length / 12))),
        ),
    },
  );
}

/** The parameter names of the protocol, which take the deepest paths through the code. */
export const PROTOCOL_NAMES = [
  'grant_type',
  'code',
  'redirect_uri',
  'client_id',
  'client_secret',
  'code_verifier',
  'username',
  'password',
  'scope',
  'token',
  'token_type_hint',
  'response_type',
  'state',
  'code_challenge',
  'code_challenge_method',
  'access_token',
  'refresh_token',
];

/** A parameter name on the wire: a protocol name, bent (nested, encoded, cased), or garbage. */
export const wireName: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...PROTOCOL_NAMES) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...PROTOCOL_NAMES)
      .chain((name) =>
        fc.constantFrom(
          `${name}[]`,
          `${name}[x]`,
          `${name}[0]`,
          `${name}[a][b]`,
          `${name}[__proto__]`,
          `${name}.x`,
          percentEncode(name).replace(/_/g, '%5F'),
          name.toUpperCase(),
          `%20${name}`,
          `${name}%00`,
        ),
      ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '__proto__',
      '__proto__[x]',
      '__proto__[toString]',
      'constructor',
      'constructor[prototype][x]',
      'prototype',
      'hasOwnProperty',
      'toString',
      'valueOf',
      '',
      '[]',
      '[x]',
      'a[b][c][d][e][f][g][h][i][j][k][l][m][n][o][p][q][r][s][t][u][v][w][x][y][z]',
      '%00',
      '=',
    ),
  },
  { weight: 1, arbitrary: hostileText.map(percentEncode) },
);

/** One change to a request that was well formed. */
type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'repeat'; at: number; value: string | null }
  | { kind: 'replace'; at: number; value: string }
  | { kind: 'rename'; at: number; name: string }
  | { kind: 'add'; name: string; value: string | null }
  | { kind: 'bare'; name: string }
  | { kind: 'reverse' };

function mutation(maxLong: number): fc.Arbitrary<Mutation> {
  const value = wireValue(maxLong);
  return fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('repeat' as const),
      at: fc.nat(),
      value: fc.option(value, { nil: null }),
    }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value }),
    fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: wireName }),
    fc.record({
      kind: fc.constant('add' as const),
      name: wireName,
      value: fc.option(value, { nil: null }),
    }),
    fc.record({ kind: fc.constant('bare' as const), name: wireName }),
    fc.constant({ kind: 'reverse' as const }),
  );
}

function applyMutation(pairs: Pair[], change: Mutation): Pair[] {
  const at = 'at' in change && pairs.length > 0 ? change.at % pairs.length : -1;
  switch (change.kind) {
    case 'drop':
      return at < 0 ? pairs : pairs.filter((_, i) => i !== at);
    case 'repeat':
      // The same name again, with the same value or another.
      return at < 0 ? pairs : [...pairs, [pairs[at][0], change.value ?? pairs[at][1]]];
    case 'replace':
      return at < 0 ? pairs : pairs.map((pair, i) => (i === at ? [pair[0], change.value] : pair));
    case 'rename':
      return at < 0 ? pairs : pairs.map((pair, i) => (i === at ? [change.name, pair[1]] : pair));
    case 'add':
      return [...pairs, [change.name, change.value]];
    case 'bare':
      return [...pairs, [change.name, null]];
    case 'reverse':
      return [...pairs].reverse();
  }
}

/**
 * Parameters that start as one of the well-formed `bases` (which reach deep into the code) and
 * take up to five hostile changes; encoded for the wire.
 */
export function hostileParameters(
  bases: fc.Arbitrary<Record<string, string>>,
  maxLong: number,
): fc.Arbitrary<Pair[]> {
  return fc.tuple(bases, fc.array(mutation(maxLong), { maxLength: 5 })).map(([base, changes]) =>
    changes.reduce(
      applyMutation,
      Object.entries(base).map(([name, value]): Pair => [name, percentEncode(value)]),
    ),
  );
}

/** The scheme-name characters of RFC 9110 §5.6.2 (token). */
const TCHAR = "!#$%&'*+-.^_`|~ABCXYZabcxyz0189".split('');
const BASE64_ISH = 'ABCXYZabcxyz0189+/=-_.~ *:%'.split('');

/** A malformed or odd Authorization header: random schemes, bad Basic, bad Bearer; or none. */
export function hostileAuthorization(goodBasic: string[]): fc.Arbitrary<string | undefined> {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...goodBasic),
    fc
      .constantFrom(...goodBasic)
      .chain((header) =>
        fc.constantFrom(
          header.toUpperCase(),
          header.toLowerCase(),
          header.replace(' ', '   '),
          `${header} `,
          `${header}=`,
          `${header}, Basic eDp5`,
          header.replace('Basic', 'Bearer'),
          header.slice(0, -2),
        ),
      ),
    text.map((secret) => basic('some-client', secret)),
    fc
      .tuple(text, text)
      .map(([id, secret]) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`),
    fc
      .constantFrom('id', ':', '::', 'a:b:c', '%ZZ:%ZZ', '%:%', '\0:\0', ':secret', 'id:')
      .map((credentials) => `Basic ${Buffer.from(credentials).toString('base64')}`),
    fc.string({ unit: fc.constantFrom(...BASE64_ISH), maxLength: 80 }).map((s) => `Basic ${s}`),
    fc.constantFrom(
      'Basic',
      'Basic ',
      'basic',
      'Basic ====',
      'Basic =',
      'Basic Og==',
      'Basic  Og==',
      'Bearer',
      'Bearer ',
      'Bearer  ',
      'Bearer a b',
      'Bearer =abc',
      'Bearer a=b',
      'Bearer\tabc',
      'Bearer,abc',
      'Negotiate YII=',
      'Digest username="a"',
      'Token abc',
      '',
      ' ',
    ),
    text.map((token) => headerSafe(`Bearer ${token}`)),
    fc
      .tuple(fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 12 }), text)
      .map(([scheme, credentials]) => headerSafe(`${scheme} ${credentials}`)),
    fc.string({
      unit: fc
        .integer({ min: 0x20, max: 0xff })
        .filter((c) => c !== 0x7f)
        .map((c) => String.fromCharCode(c)),
      maxLength: 60,
    }),
    fc
      .tuple(fc.constantFrom('Basic', 'Bearer'), fc.integer({ min: 1000, max: 8000 }))
      .map(([scheme, length]) => `${scheme} ${'A'.repeat(length)}`),
  );
}

/** Content types right, wrong, odd, or none at all. */
export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded;charset=iso-8859-1',
  'application/x-www-form-urlencoded; charset=utf-16le',
  'application/x-www-form-urlencoded; charset=foo',
  'application/x-www-form-urlencoded; charset=',
  'application/x-www-form-urlencodedx',
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  'application/xml',
  'application/octet-stream',
  '*/*',
  '',
  ' ',
  'application/',
  ';;;',
  'x'.repeat(300),
);

/** A body: a hostile form, JSON (good and broken), raw bytes, nothing, or deep nesting. */
export function hostileBody(form: fc.Arbitrary<string>): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    { weight: 3, arbitrary: form },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: fc
        .dictionary(fc.constantFrom(...PROTOCOL_NAMES), fc.jsonValue({ maxDepth: 2 }))
        .map((object) => JSON.stringify(object)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '{"a":',
        '[',
        'nul',
        '{"grant_type":"client_credentials",}',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '\ufeff{}',
        '['.repeat(5000),
        `${'a[b]'.repeat(1)}${'[c]'.repeat(100)}=1`,
        Array.from({ length: 1500 }, (_, i) => `p${i}=1`).join('&'),
        '&&&===&&&',
        '=',
        '%',
      ),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  );
}

// ---------------------------------------------------------------------------------------------
// Requests and checks.

/** An answer as it came over the wire; `body` is the parsed JSON, if it was JSON. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly body: unknown;
}

/**
 * Sends exactly the request given, on a connection of its own: supertest would set or guess
 * headers, and it sends a Buffer body slowly enough to dominate the suite's time.
 */
export function exchange(
  server: Server,
  method: string,
  path: string,
  headers: Readonly<Record<string, string | undefined>> = {},
  body?: string | Buffer,
): Promise<RawResponse> {
  const { port } = server.address() as AddressInfo;
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name] = value;
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (payload !== undefined) sent['Content-Length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: sent, agent: false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = /json/i.test(incoming.headers['content-type'] ?? '') ? JSON.parse(text) : {};
          } catch {
            parsed = undefined;
          }
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text,
            body: parsed,
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** A POST of a raw body with the headers given; a content type left out stays out. */
export function rawPost(
  server: Server,
  path: string,
  body: string | Buffer,
  headers: Readonly<Record<string, string | undefined>>,
): Promise<RawResponse> {
  return exchange(server, 'POST', path, headers, body);
}

/** The media type of an answer, without parameters, in lower case. */
export function mediaTypeOf(response: RawResponse): string | undefined {
  return response.headers['content-type']?.split(';')[0].trim().toLowerCase();
}

/** A single header of an answer. */
export function headerOf(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The error_description of a page or JSON, as it stood before HTML escaping. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The RFC 6749 §5.2 error of a token, revocation or introspection endpoint: JSON of `error` and
 * `error_description` only, a known code, never cached, an ASCII description; a 401 names the
 * Basic scheme.
 */
export function expectTokenEndpointError(response: RawResponse): void {
  const body = response.body as Record<string, unknown>;
  expect({
    mediaType: mediaTypeOf(response),
    cacheControl: headerOf(response, 'Cache-Control'),
    pragma: headerOf(response, 'Pragma'),
    location: headerOf(response, 'Location'),
    keys: Object.keys(body).sort(),
    knownError: TOKEN_ENDPOINT_ERRORS.includes(body.error as string),
  }).toEqual({
    mediaType: 'application/json',
    cacheControl: 'no-store',
    pragma: 'no-cache',
    location: undefined,
    keys: ['error', 'error_description'],
    knownError: true,
  });
  expect(body.error_description).toMatch(ERROR_DESCRIPTION);
  if (response.status === 401) {
    expect(headerOf(response, 'WWW-Authenticate')).toMatch(/^Basic realm="[^"]*"/);
  }
}

/** Whether `location` is `uri`, or `uri` with a query or fragment added. */
export function redirectsTo(location: string, uri: string): boolean {
  if (!location.startsWith(uri)) return false;
  const next = location.charAt(uri.length);
  return next === '' || next === '#' || next === (uri.includes('?') ? '&' : '?');
}

/** The app still answers a plain request with the right answer. */
export async function expectAlive(
  server: Server,
  client: { id: string; secret?: string },
): Promise<void> {
  const response = await rawPost(server, '/oauth/token', 'grant_type=client_credentials', {
    'Content-Type': 'application/x-www-form-urlencoded',
    Authorization: basic(client.id, client.secret ?? ''),
  });
  expect(response.status).toBe(200);
  expect((response.body as { token_type?: string }).token_type).toBe('Bearer');
}

/**
 * A successful token response (RFC 6749 §5.1): JSON, never cached, a b64token Bearer token.
 */
export function expectTokenSuccess(response: RawResponse): void {
  expect({
    mediaType: mediaTypeOf(response),
    cacheControl: headerOf(response, 'Cache-Control'),
    pragma: headerOf(response, 'Pragma'),
    tokenType: (response.body as { token_type?: unknown }).token_type,
    accessToken: (response.body as { access_token?: unknown }).access_token,
  }).toEqual({
    mediaType: 'application/json',
    cacheControl: 'no-store',
    pragma: 'no-cache',
    tokenType: 'Bearer',
    accessToken: expect.stringMatching(/^[A-Za-z0-9\-._~+/]+=*$/),
  });
}
