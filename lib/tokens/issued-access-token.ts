import { OAuthResponse } from '../responses/oauth-response';
import type { AccessToken } from './access-token';

/**
 * The successful token response of RFC 6749 §5.1.
 * @publicApi
 */
export interface TokenResponseBody {
  /** The bearer token. */
  access_token: string;
  /** Always `Bearer` (RFC 6750). */
  token_type: 'Bearer';
  /** Seconds until it expires; absent when it never does. */
  expires_in?: number;
  /** The granted scope, when there is one. */
  scope?: string;
  /** A refresh token (RFC 6749 §6), when one was issued with this access token. */
  refresh_token?: string;
}

/**
 * A token just issued: the only moment the token string exists outside the client, as Redis
 * keeps only its hash.
 * @publicApi
 */
export class IssuedAccessToken {
  constructor(
    /** The bearer token string, for the client it was issued to and nobody else. */
    readonly accessToken: string,
    /** What the token grants. */
    readonly token: AccessToken,
    /**
     * The refresh token issued with it, for the same client and nobody else; `undefined` when
     * none was (refresh tokens off, client credentials, or a refresh that did not rotate).
     */
    readonly refreshToken?: string,
  ) {}

  /** Seconds until the token expires, rounded down; `undefined` when it never does. */
  get expiresIn(): number | undefined {
    const { expiresAt } = this.token;
    return expiresAt === null
      ? undefined
      : Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  }

  /** The RFC 6749 §5.1 response body. */
  toJSON(): TokenResponseBody {
    const body: TokenResponseBody = { access_token: this.accessToken, token_type: 'Bearer' };
    if (this.expiresIn !== undefined) body.expires_in = this.expiresIn;
    if (this.token.scope !== '') body.scope = this.token.scope;
    if (this.refreshToken !== undefined) body.refresh_token = this.refreshToken;
    return body;
  }

  /** The token endpoint's answer: 200, JSON, `Cache-Control: no-store`, `Pragma: no-cache`. */
  toResponse(): OAuthResponse {
    return OAuthResponse.json(200, this.toJSON());
  }
}
