import { once } from 'node:events';
import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  request,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { OAuthError } from '../../lib/errors/oauth-error';
import { FastifyLikeReply } from '../../lib/http/http-reply';
import { NO_STORE_HEADERS, OAuthResponse } from '../../lib/responses/oauth-response';

interface Received {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a client receives when a real Node HTTP server answers with `write(res)`. */
async function served(write: (res: ServerResponse) => void): Promise<Received> {
  const server = createServer((_req, res) => write(res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false });
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.setEncoding('utf8');
    let body = '';
    for await (const chunk of res) body += chunk as string;
    return { status: res.statusCode, headers: res.headers, body };
  } finally {
    server.close();
  }
}

/** A reply with Fastify's interface that keeps what was written to it, in order. */
class RecordingFastifyReply implements FastifyLikeReply {
  readonly calls: string[] = [];
  status: number | undefined;
  readonly headers: Record<string, string> = {};
  body: string | undefined;

  code(status: number): this {
    this.calls.push('code');
    this.status = status;
    return this;
  }

  header(name: string, value: string): this {
    this.calls.push('header');
    this.headers[name] = value;
    return this;
  }

  send(body?: string): this {
    this.calls.push('send');
    this.body = body;
    return this;
  }
}

describe('OAuthResponse', () => {
  it('lets headers given to json() override the defaults', () => {
    const response = OAuthResponse.json(200, { a: 1 }, { 'Cache-Control': 'private' });
    expect(response.headers['Cache-Control']).toBe('private');
    expect(response.headers.Pragma).toBe('no-cache');
    expect(response.body).toBe('{"a":1}');
  });

  it('redirects with 302, the location and no body, never cached (RFC 6749 §4.1.2)', () => {
    const response = OAuthResponse.redirect('https://c.example/cb?code=x&state=y');
    expect(response.status).toBe(302);
    expect(response.headers).toEqual({
      Location: 'https://c.example/cb?code=x&state=y',
      ...NO_STORE_HEADERS,
    });
    expect(response.body).toBe('');
  });
});

describe('OAuthResponse.writeTo', () => {
  const response = new OAuthError('invalid_client', 'bad secret', {
    headers: { 'WWW-Authenticate': 'Basic realm="x"' },
  }).toResponse();

  it("sends status, headers and body through Node's ServerResponse, and ends it", async () => {
    const received = await served((res) => response.writeTo(res));
    expect(received.status).toBe(401);
    expect(received.headers).toMatchObject({
      'content-type': 'application/json;charset=UTF-8',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'www-authenticate': 'Basic realm="x"',
    });
    expect(JSON.parse(received.body)).toEqual({
      error: 'invalid_client',
      error_description: 'bad secret',
    });
  });

  it("sends a redirect through Node's ServerResponse with an empty body", async () => {
    const received = await served((res) =>
      OAuthResponse.redirect('https://c.example/cb?code=x').writeTo(res),
    );
    expect(received.status).toBe(302);
    expect(received.headers.location).toBe('https://c.example/cb?code=x');
    expect(received.headers['cache-control']).toBe('no-store');
    expect(received.body).toBe('');
  });

  it("writes status, headers and body to Fastify's reply, sending last", () => {
    const reply = new RecordingFastifyReply();
    response.writeTo(reply);
    expect(reply.status).toBe(401);
    expect(reply.headers).toEqual(response.headers);
    expect(reply.body).toBe(response.body);
    expect(reply.calls).toEqual(['code', 'header', 'header', 'header', 'header', 'send']);
  });
});
