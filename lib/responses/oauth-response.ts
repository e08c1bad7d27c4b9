import { HttpReply, writeReply } from '../http/http-reply';

/**
 * RFC 6749 §5.1: responses that carry tokens or credentials must not be cached.
 * @publicApi
 */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
};

/**
 * An HTTP response of the protocol: status, headers and body, ready for any framework.
 * @publicApi
 */
export class OAuthResponse {
  constructor(
    /** The HTTP status code. */
    readonly status: number,
    /** The response headers. */
    readonly headers: Readonly<Record<string, string>>,
    /** The response body, already serialized. */
    readonly body: string,
  ) {}

  /** A JSON response that is never cached (RFC 6749 §5.1). */
  static json(
    status: number,
    body: object,
    headers: Readonly<Record<string, string>> = {},
  ): OAuthResponse {
    return new OAuthResponse(
      status,
      { 'Content-Type': 'application/json;charset=UTF-8', ...NO_STORE_HEADERS, ...headers },
      JSON.stringify(body),
    );
  }

  /** A redirect of the user agent (RFC 6749 §4.1.2, §4.2.2). */
  static redirect(location: string): OAuthResponse {
    return new OAuthResponse(302, { Location: location, ...NO_STORE_HEADERS }, '');
  }

  /** The status code, as the manual's `get_code()`. */
  getCode(): number {
    return this.status;
  }

  /** The headers, as the manual's `get_headers()`. */
  getHeaders(): Readonly<Record<string, string>> {
    return this.headers;
  }

  /** The serialized body, as the manual's `get_body()`. */
  getBody(): string {
    return this.body;
  }

  /** Writes this response to an Express, Fastify or plain Node reply and ends it. */
  writeTo(reply: HttpReply): void {
    writeReply(reply, this);
  }
}
