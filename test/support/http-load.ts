import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';

/** One HTTP exchange of a load run, with times from `performance.now()`. */
export interface Sample {
  readonly kind: 'token' | 'verify';
  readonly started: number;
  readonly ended: number;
  /** 0 when no answer came (the request was aborted or the connection failed). */
  readonly status: number;
  /** `error` of an OAuth error body, if any. */
  readonly error?: string;
  /** The access token issued (token) or presented (verify). */
  readonly token?: string;
}

/** Loopback base URL of an app listening on an ephemeral port. */
export function baseUrlOf(app: INestApplication): string {
  const address = (app.getHttpServer() as { address(): AddressInfo }).address();
  return `http://127.0.0.1:${address.port}`;
}

/**
 * A client of the token endpoint and a protected route that records every exchange. It uses
 * fetch's keep-alive pool rather than supertest: thousands of requests on fresh connections
 * would fill the loopback port range with TIME_WAIT sockets.
 */
export class LoadClient {
  readonly samples: Sample[] = [];

  constructor(
    private readonly baseUrl: string,
    /** No request may take longer; a hang then shows as status 0 instead of a stuck test. */
    private readonly abortAfterMs = 10_000,
  ) {}

  /** A client credentials token (RFC 6749 §4.4) for `basic` credentials. */
  issueToken(basic: string, scope: string): Promise<Sample> {
    return this.send('token', '/oauth/token', {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    });
  }

  /** GET of a route protected by `@Scopes(...)` with `token`. */
  verify(token: string, path = '/api/me'): Promise<Sample> {
    return this.send('verify', path, { headers: { authorization: `Bearer ${token}` } }, token);
  }

  private async send(
    kind: Sample['kind'],
    path: string,
    init: RequestInit,
    presented?: string,
  ): Promise<Sample> {
    const started = performance.now();
    let status = 0;
    let body: Record<string, unknown> = {};
    try {
      const response = await fetch(this.baseUrl + path, {
        ...init,
        signal: AbortSignal.timeout(this.abortAfterMs),
      });
      status = response.status;
      const text = await response.text();
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = {};
      }
    } catch {
      status = 0;
    }
    const ended = performance.now();
    const issued =
      kind === 'token' && status === 200 && typeof body.access_token === 'string'
        ? body.access_token
        : undefined;
    const sample: Sample = {
      kind,
      started,
      ended,
      status,
      error: typeof body.error === 'string' ? body.error : undefined,
      token: issued ?? presented,
    };
    this.samples.push(sample);
    return sample;
  }
}

/** Runs `workers` copies of `iteration` back to back until `done()` says to stop. */
export async function runWorkers(
  workers: number,
  done: () => boolean,
  iteration: (worker: number) => Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!done()) await iteration(worker);
    }),
  );
}

/** The largest of `values`, 0 for none. */
export function maxOf(values: readonly number[]): number {
  return values.reduce((max, value) => Math.max(max, value), 0);
}
