import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

/** An answer as a test reads it. */
export interface LoopbackAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * An HTTP request to 127.0.0.1:`port` from the loopback address `from` (127.0.0.2, ...): a real
 * socket whose peer address the server sees, for limits counted per source address.
 */
export function requestFrom(
  from: string,
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<LoopbackAnswer> {
  const body = options.body ?? '';
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: '127.0.0.1',
        port,
        localAddress: from,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
      },
    );
    sent.once('error', reject);
    sent.end(body);
  });
}
