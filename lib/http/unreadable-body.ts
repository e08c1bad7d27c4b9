import { Injectable, Optional, SetMetadata } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { HttpRequestLike } from './http-request';
import { HttpReply, ReplyContent, writeReply } from './http-reply';

const UNREADABLE_BODY_ANSWER = 'oauthist:unreadable-body-answer';

/**
 * Why the framework refused to read a body: too large (413, RFC 9110 §15.5.14, which tells the
 * client that retrying the same request is futile), of a media type, charset or encoding it
 * cannot read (415), or malformed (400).
 */
export interface UnreadableBody {
  readonly status: 400 | 413 | 415;
}

/** How an endpoint answers a request whose body the framework refused to read. */
export type UnreadableBodyAnswer = (
  problem: UnreadableBody,
  request: HttpRequestLike,
) => ReplyContent;

/**
 * Marks an oauthist endpoint's handler with its answer to an unreadable body. Nest copies a
 * handler's metadata onto the function it registers with the framework, which is how the
 * installer below recognizes oauthist's routes under any global prefix or `RouterModule` path.
 */
export const AnswersUnreadableBody = (answer: UnreadableBodyAnswer): MethodDecorator =>
  SetMetadata(UNREADABLE_BODY_ANSWER, answer);

function answerOf(handler: unknown): UnreadableBodyAnswer | undefined {
  return typeof handler === 'function'
    ? (Reflect.getMetadata(UNREADABLE_BODY_ANSWER, handler) as UnreadableBodyAnswer | undefined)
    : undefined;
}

/**
 * Only errors of the body parsers are oauthist's to answer: an error of the application's own
 * middleware or plugins on the same route (a rate limit, a gateway) keeps its own answer.
 * body-parser types its errors except a failed decompression, which it passes on as zlib's
 * error with a 4xx status; Fastify's content type parsers use FST_ERR_CTP_ codes, except that
 * its JSON parser passes on the SyntaxError.
 */
function isBodyParserError(error: object): boolean {
  const { type, code, errno } = error as Record<string, unknown>;
  if (typeof type === 'string') return true;
  if (typeof code !== 'string') return error instanceof SyntaxError;
  return code.startsWith('FST_ERR_CTP_') || typeof errno === 'number';
}

/** What was wrong with a body the framework refused to read; `null` for any other error. */
export function unreadableBody(error: unknown): UnreadableBody | null {
  if (error === null || typeof error !== 'object' || !isBodyParserError(error)) return null;
  const { status, statusCode } = error as Record<string, unknown>;
  const httpStatus = typeof statusCode === 'number' ? statusCode : status;
  if (typeof httpStatus !== 'number' || httpStatus < 400 || httpStatus >= 500) return null;
  return { status: httpStatus === 413 || httpStatus === 415 ? httpStatus : 400 };
}

type ErrorMiddleware = (
  error: unknown,
  request: HttpRequestLike & { path: string },
  response: HttpReply,
  next: (error?: unknown) => void,
) => void;

/** The parts of an Express 4 or 5 application that the installer uses. */
interface ExpressLike {
  use(middleware: ErrorMiddleware): unknown;
  router?: { stack: ExpressLayer[] };
  _router?: { stack: ExpressLayer[] };
}

interface ExpressLayer {
  route?: { methods: Record<string, boolean>; stack: { handle: unknown }[] };
  /** Truthy when the layer matches (router 2.3 returns what matched, not `true`). */
  match(path: string): unknown;
}

/** The parts of a Fastify instance that the installer uses. */
interface FastifyLike {
  addHook(
    name: 'onRoute',
    hook: (route: { handler?: unknown; errorHandler?: FastifyErrorHandler }) => void,
  ): unknown;
}

type FastifyErrorHandler = (error: unknown, request: HttpRequestLike, reply: HttpReply) => void;

/**
 * Answers a body that the framework's parsers refuse (too large, broken JSON, an unknown
 * charset or encoding) at oauthist's own endpoints in the RFC shape. The parsers run before
 * routing, so no filter on a controller sees these errors, and a global filter would take over
 * the application's routes too; this hooks into the framework once, for oauthist's routes only.
 */
@Injectable()
export class UnreadableBodyAnswers {
  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  /**
   * Called from the module's `configure()`: the one moment when Express has its parsers in place
   * (so an error middleware added now follows them) and Fastify has no routes yet (so its
   * `onRoute` hook sees oauthist's).
   */
  install(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) return;
    const type = adapter.getType();
    if (type === 'fastify') this.installOnFastify(adapter.getInstance<FastifyLike>());
    else if (type === 'express') this.installOnExpress(adapter.getInstance<ExpressLike>());
  }

  private installOnFastify(fastify: FastifyLike): void {
    fastify.addHook('onRoute', (route) => {
      const answer = answerOf(route.handler);
      if (answer === undefined || route.errorHandler !== undefined) return;
      route.errorHandler = (error, request, reply) => {
        const refusal = unreadableBody(error);
        // Thrown, Fastify hands the error on to the application's error handler.
        if (refusal === null) throw error;
        writeReply(reply, answer(refusal, request));
      };
    });
  }

  private installOnExpress(express: ExpressLike): void {
    express.use((error, request, response, next) => {
      const refusal = unreadableBody(error);
      const answer = refusal && answerAt(express, request);
      if (!refusal || !answer) return next(error);
      writeReply(response, answer(refusal, request));
    });
  }
}

/**
 * The answer of the oauthist route that the request was going to, asked of Express's own route
 * layers, so that prefixes, case and trailing slashes match exactly as routing would have
 * (`match()` also records the layer's params, which routing sets afresh for every request).
 *
 * The router's `stack` and `Layer#match()` are Express internals, read here because no supported
 * way to learn which route a request would reach exists. The parsers fail before routing, and
 * Express skips route layers while an error is pending, so only error middleware, which knows
 * no route, sees these errors. The alternatives fall short: Nest exports no way to learn a
 * handler's full path (`RoutePathFactory` is a deep import, `RouterModule` keeps its paths in
 * private metadata, the graph inspector records routes only with `snapshot: true`) and no
 * event when it registers a route with Express; `MiddlewareConsumer.forRoutes()` mounts middleware at
 * exactly those paths, but as route layers, which a pending error skips; clearing the error to reach them
 * would run the application's own middleware, which Nest mounts first, on a body the parsers
 * refused; and matching paths ourselves would take path-to-regexp, which oauthist does not
 * depend on and whose syntax differs between Express 4 and 5.
 *
 * This waits for expressjs/express#6481, a public list of an app's routes: pillarjs/router#174
 * proposes `router.getRoutes()`, and its review points out that matching a request also needs
 * the router's case and trailing-slash options, which the proposal does not give yet.
 * test/unit/express-router-internals.spec.ts pins the versions this was checked on.
 */
function answerAt(
  express: ExpressLike,
  request: HttpRequestLike & { path: string },
): UnreadableBodyAnswer | undefined {
  const method = (request.method ?? '').toLowerCase();
  for (const layer of (express.router ?? express._router)?.stack ?? []) {
    if (!layer.route?.methods[method]) continue;
    const answer = layer.route.stack.map((handler) => answerOf(handler.handle)).find(Boolean);
    if (answer !== undefined && layer.match(request.path)) return answer;
  }
  return undefined;
}
