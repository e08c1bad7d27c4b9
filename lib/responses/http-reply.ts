/**
 * A reply oauthist can write to: Fastify's `FastifyReply`, or Node's `ServerResponse` (which
 * Express's `Response` is).
 * @publicApi
 */
export type HttpReply = FastifyLikeReply | NodeLikeResponse;

/** The part of Fastify's reply that oauthist uses. */
export interface FastifyLikeReply {
  code(status: number): unknown;
  header(name: string, value: string): unknown;
  send(body?: string): unknown;
}

/** The part of Node's `ServerResponse` (and so Express's `Response`) that oauthist uses. */
export interface NodeLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** Sets one header on an Express, Fastify or plain Node reply. */
export function setReplyHeader(reply: HttpReply, name: string, value: string): void {
  if ('header' in reply && typeof reply.header === 'function') reply.header(name, value);
  else (reply as NodeLikeResponse).setHeader(name, value);
}
