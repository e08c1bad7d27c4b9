import { Controller, Get, Inject, Optional, Req, Type } from '@nestjs/common';
import { UserCredentialsVerifier } from '../credentials/user-credentials-verifier';
import type { HttpRequestLike } from '../grants/request-parameters';
import {
  AuthorizationServerMetadata,
  authorizationServerMetadata,
} from '../http/authorization-server-metadata';
import type { ResolvedRoutes } from '../http/resolved-routes';
import { OAUTHIST_OPTIONS, OAUTHIST_ROUTES } from '../oauthist.constants';
import type { ResolvedOptions } from '../options/resolved-options';

function issuerOf(request: HttpRequestLike & { protocol?: string }): string {
  const host = request.headers?.host;
  return `${request.protocol ?? 'http'}://${typeof host === 'string' ? host : 'localhost'}`;
}

/** The authorization server metadata at `path` (RFC 8414 §3). */
export function createMetadataController(path: string): Type<unknown> {
  @Controller()
  class MetadataController {
    constructor(
      @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOptions,
      @Inject(OAUTHIST_ROUTES) private readonly routes: ResolvedRoutes,
      @Optional()
      @Inject(UserCredentialsVerifier)
      private readonly verifier: UserCredentialsVerifier | null,
    ) {}

    @Get(path)
    metadata(@Req() request: HttpRequestLike): AuthorizationServerMetadata {
      const issuer = this.options.issuer ?? issuerOf(request);
      return authorizationServerMetadata(issuer, this.routes, this.options, this.verifier !== null);
    }
  }
  return MetadataController;
}
