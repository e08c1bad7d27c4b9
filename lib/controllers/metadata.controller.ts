import { Controller, Get, Inject, Logger, Req, Res, Type } from '@nestjs/common';
import { GrantTypeRegistry } from '../grants/grant-type.registry';
import type { HttpRequestLike } from '../http/http-request';
import { HttpReply, setReplyHeader } from '../http/http-reply';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import {
  AuthorizationServerMetadata,
  authorizationServerMetadata,
} from './authorization-server-metadata';
import { issuerOf, metadataCacheControl } from './request-issuer';
import { OAUTHIST_ROUTES, ResolvedRoutes } from '../options/resolved-routes';

/** The authorization server metadata at `path` (RFC 8414 §3). */
export function createMetadataController(path: string): Type<unknown> {
  @Controller()
  class MetadataController {
    constructor(
      @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
      @Inject(OAUTHIST_ROUTES) private readonly routes: ResolvedRoutes,
      private readonly grantTypes: GrantTypeRegistry,
    ) {
      if (options.issuer === null) {
        new Logger('oauthist').warn(
          'the issuer option is unset: metadata takes it from the Host header; set it in production (RFC 8414 section 2)',
        );
      }
    }

    @Get(path)
    metadata(
      @Req() request: HttpRequestLike,
      @Res({ passthrough: true }) reply: HttpReply,
    ): AuthorizationServerMetadata {
      const configured = this.options.issuer;
      setReplyHeader(reply, 'Cache-Control', metadataCacheControl(configured));
      const issuer = configured ?? issuerOf(request);
      return authorizationServerMetadata(
        issuer,
        this.routes,
        this.options,
        this.grantTypes.enabledNames(),
      );
    }
  }
  return MetadataController;
}
