/**
 * A reply oauthist can write to: Fastify's `FastifyReply`, or Node's `ServerResponse` (which
 * Express's `Response` is).
 * @publicApi
 */
export type HttpReply = FastifyLikeReply | NodeLikeResponse;

/**
 * The part of Fastify's reply that oauthist uses.
 * @publicApi
 */
export interface FastifyLikeReply {
  /** Sets the status code. */
  code(status: number): unknown;
  /** Sets one header. */
  header(name: string, value: string): unknown;
  /** Sends the body and ends the reply. */
  send(body?: string): unknown;
}

/**
 * The part of Node's `ServerResponse` (and so Express's `Response`) that oauthist uses.
 * @publicApi
 */
export interface NodeLikeResponse {
  /** The status code. */
  statusCode: number;
  /** Sets one header. */
  setHeader(name: string, value: string): unknown;
  /** Sends the body and ends the response. */
  end(body?: string): unknown;
}

/** What a reply is made of, whatever the framework. */
export interface ReplyContent {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function isFastifyReply(reply: HttpReply): reply is FastifyLikeReply {
  return (
    typeof (reply as FastifyLikeReply).code === 'function' &&
    typeof (reply as FastifyLikeReply).send === 'function'
  );
}

/** Sets one header on an Express, Fastify or plain Node reply. */
export function setReplyHeader(reply: HttpReply, name: string, value: string): void {
  if (isFastifyReply(reply)) reply.header(name, value);
  else reply.setHeader(name, value);
}

/** Writes a whole answer to an Express, Fastify or plain Node reply and ends it. */
export function writeReply(reply: HttpReply, content: ReplyContent): void {
  if (isFastifyReply(reply)) {
    reply.code(content.status);
    for (const [name, value] of Object.entries(content.headers)) reply.header(name, value);
    reply.send(content.body);
    return;
  }
  reply.statusCode = content.status;
  for (const [name, value] of Object.entries(content.headers)) reply.setHeader(name, value);
  reply.end(content.body);
}

/**
 * Sets the status and headers of an answer on a reply that Nest will send
 * (`@Res({ passthrough: true })`), and returns the body for the handler to return, so that the
 * application's interceptors see oauthist's answers as they see any route's.
 */
export function passThroughReply(reply: HttpReply, content: ReplyContent): string | undefined {
  if (isFastifyReply(reply)) reply.code(content.status);
  else reply.statusCode = content.status;
  for (const [name, value] of Object.entries(content.headers)) setReplyHeader(reply, name, value);
  // Nothing rather than '': Express would give an empty string a Content-Type and an ETag.
  return content.body === '' ? undefined : content.body;
}
