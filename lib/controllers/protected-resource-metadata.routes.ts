import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { HttpRequestLike } from '../http/http-request';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { OAUTHIST_ROUTES, ResolvedRoutes } from '../options/resolved-routes';
import {
  metadataPathOf,
  protectedResourceMetadata,
} from '../resources/protected-resource-metadata';
import { issuerOf, metadataCacheControl } from './request-issuer';

/**
 * Serves the protected resource metadata (RFC 9728 §3) of each of the `resources`, at the
 * well-known path followed by the resource's own path: `/.well-known/oauth-protected-resource/mcp`
 * for `https://host/mcp`. The paths come from the options, which may be known only once the
 * module starts (`forRootAsync()`), so the routes are added to the HTTP server then rather than
 * declared by a controller.
 */
@Injectable()
export class ProtectedResourceMetadataRoutes implements OnModuleInit {
  constructor(
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
    @Inject(OAUTHIST_ROUTES) private readonly routes: ResolvedRoutes,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    const wellKnown = this.routes.protectedResourceMetadata;
    // Without an HTTP server (a standalone application context) there is nothing to serve.
    if (adapter === undefined || adapter === null || wellKnown === false) return;
    const served = new Set<string>();
    for (const resource of this.options.resources?.identifiers ?? []) {
      const path = metadataPathOf(resource, wellKnown);
      // Two resources of one path on different hosts: the first configured is served.
      if (path === null || served.has(path)) continue;
      served.add(path);
      adapter.get(path, (request: HttpRequestLike, reply: unknown) => {
        const configured = this.options.issuer;
        adapter.setHeader(reply, 'Cache-Control', metadataCacheControl(configured));
        adapter.reply(
          reply,
          protectedResourceMetadata(resource, configured ?? issuerOf(request), this.options),
          200,
        );
      });
    }
  }
}
