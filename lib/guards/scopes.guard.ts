import {
  CanActivate,
  ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Optional,
} from '@nestjs/common';
import { OAUTHIST_ROUTES, ResolvedRoutes } from '../options/resolved-routes';
import { metadataUrlOf } from '../resources/protected-resource-metadata';
import { Reflector } from '@nestjs/core';
import { OAuthError, StorageUnavailableError } from '../errors';
import type { HttpRequestLike } from '../http/http-request';
import { HttpReply, setReplyHeader } from '../http/http-reply';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { BEARER_TOKEN_REQUIRED, bearerChallenge } from '../protocol/bearer-challenge';
import type { AccessToken } from '../tokens/access-token';
import { TokenService } from '../tokens/token.service';
import type { ProtectedResourceTarget } from '../resources/protected-resource-target';
import {
  ACCESS_TOKEN_PROPERTY,
  PROTECTED_RESOURCE_METADATA,
  SCOPES_METADATA,
} from './scopes.constants';

/** What the guard checks on one route. */
interface RouteRule {
  /** `@Scopes()` of the route or its controller; `undefined`: the route is public. */
  readonly scopes: string[] | undefined;
  readonly target: ProtectedResourceTarget | null;
}

/**
 * Enforces `@Scopes()` (RFC 6750): takes the bearer token, verifies it in one Redis round trip
 * with any-of scopes, and puts the `AccessToken` on the request for `@CurrentAccessToken()`.
 * Refusals follow RFC 6750 §3: 401 without error attributes when no token was sent, 401
 * `invalid_token`, 403 `insufficient_scope`, 400 `invalid_request`, each with a
 * `WWW-Authenticate: Bearer` challenge; Redis trouble is 503, never 401. Usable per route (as
 * `@Scopes()` does) or for every route through `APP_GUARD`; subclass it to change a hook.
 * @publicApi
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  /**
   * What `@Scopes()` and `@ProtectedResource()` say of each route, read once: decorators set
   * their metadata when the class is defined, so it never changes, and reading it costs more
   * than the rest of a cached verification. By controller class, then handler, as a subclass
   * can inherit a handler under other class-level metadata.
   */
  private readonly rules = new WeakMap<object, WeakMap<object, RouteRule>>();

  constructor(
    /** Reads `@Scopes()` of the route and its controller. */
    protected readonly reflector: Reflector,
    /** Verifies the bearer token. */
    protected readonly tokens: TokenService,
    /** The module options: where tokens may travel, and the realm. */
    @Inject(OAUTHIST_OPTIONS) protected readonly options: ResolvedOAuthistOptions,
    /** Where the protected resource metadata is served, for the challenges (RFC 9728 §5.1). */
    @Optional() @Inject(OAUTHIST_ROUTES) protected readonly routes?: ResolvedRoutes,
  ) {}

  /** Lets the request through with a live token holding any of the route's scopes; else refuses. */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { scopes, target } = this.ruleOf(context);
    if (scopes === undefined) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike & Record<string, unknown>>();
    const reply = http.getResponse<HttpReply>();
    try {
      const token = this.getToken(request);
      if (token === undefined)
        return this.refuse(reply, null, scopes, this.resourceMetadataUrl(target));
      request[ACCESS_TOKEN_PROPERTY] = await this.verify(token, scopes, target);
      // RFC 6750 §2.3: the URL that carried the token may sit in a shared cache's key, so the
      // answer must not be stored there. The route can still say more (no-store).
      if (this.cameInQuery(request)) setReplyHeader(reply, 'Cache-Control', 'private');
      return true;
    } catch (error) {
      if (error instanceof StorageUnavailableError) {
        for (const [name, value] of Object.entries(error.headers))
          setReplyHeader(reply, name, value);
        throw new HttpException(error.toJSON(), error.status);
      }
      // Only a refusal names the metadata: a request that passes parses no URL.
      if (error instanceof OAuthError)
        return this.refuse(reply, error, scopes, this.resourceMetadataUrl(target));
      throw error;
    }
  }

  private ruleOf(context: ExecutionContext): RouteRule {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.rules.get(controller);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.rules.set(controller, byHandler);
    }
    let rule = byHandler.get(handler);
    if (rule === undefined) {
      const scopes = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_METADATA, [
        handler,
        controller,
      ]);
      rule = { scopes, target: scopes === undefined ? null : this.targetOf(context) };
      byHandler.set(handler, rule);
    }
    return rule;
  }

  /** The resource `@ProtectedResource()` names for the route, its path resolved; `null`: none. */
  private targetOf(context: ExecutionContext): ProtectedResourceTarget | null {
    const named = this.reflector.getAllAndOverride<ProtectedResourceTarget | undefined>(
      PROTECTED_RESOURCE_METADATA,
      [context.getHandler(), context.getClass()],
    );
    if (named === undefined) return null;
    const resources = this.options.resources;
    return resources === null
      ? named
      : { ...named, resource: resources.identifierOf(named.resource) };
  }

  /** Where the metadata of the route's resource is (RFC 9728 §3.1); none without a resource. */
  private resourceMetadataUrl(target: ProtectedResourceTarget | null): string | undefined {
    const path = this.routes?.protectedResourceMetadata;
    if (target === null || path === undefined || path === false) return undefined;
    return metadataUrlOf(target.resource, path) ?? undefined;
  }

  /**
   * The bearer token of the request, from the sources the options allow; throws
   * `invalid_request` for a malformed request (the rules of `ProtectedResourceRequest`).
   */
  protected getToken(request: HttpRequestLike): string | undefined {
    const resource = this.tokens.protectedResourceRequest(request);
    if (resource.error) throw resource.error;
    return resource.accessToken ?? undefined;
  }

  /** Whether the token came as the `access_token` query parameter (one method only, §2). */
  private cameInQuery(request: HttpRequestLike): boolean {
    if (!this.options.bearerTokenInQuery) return false;
    const query = request.query;
    return (
      query !== null &&
      typeof query === 'object' &&
      typeof (query as Record<string, unknown>).access_token === 'string'
    );
  }

  /**
   * Verifies the token for any of `scopes`, at the resource `@ProtectedResource()` names
   * (`null`: none, and only tokens with no audience pass).
   */
  protected verify(
    token: string,
    scopes: string[],
    target: ProtectedResourceTarget | null = null,
  ): Promise<AccessToken> {
    return this.tokens.verifyAccessTokenFor(token, target, ...scopes);
  }

  /** Sets the `WWW-Authenticate` challenge and throws the refusal. */
  protected refuse(
    reply: HttpReply,
    error: OAuthError | null,
    scopes: string[],
    resourceMetadata?: string,
  ): never {
    setReplyHeader(
      reply,
      'WWW-Authenticate',
      bearerChallenge(this.options.realm, error, scopes, resourceMetadata),
    );
    if (error) throw new HttpException(error.toJSON(), error.status);
    throw new HttpException({ message: BEARER_TOKEN_REQUIRED }, 401);
  }
}
