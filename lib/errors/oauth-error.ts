import { OAuthResponse } from '../responses/oauth-response';

/**
 * The error codes oauthist answers with: RFC 6749 §4.1.2.1, §4.2.2.1 and §5.2, RFC 6750 §3.1
 * (`invalid_token`, `insufficient_scope`), RFC 8707 §2 (`invalid_target`) and RFC 7591 §3.2.2 for client registration.
 * @publicApi
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata';

const STATUS_BY_CODE: Readonly<Partial<Record<OAuthErrorCode, number>>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

/**
 * RFC 6749 §5.2 and RFC 6750 §3: error_description holds only %x20-21 / %x23-5B / %x5D-7E, so
 * that it fits in JSON and in a quoted WWW-Authenticate parameter alike.
 */
function asciiDescription(text: string): string {
  return text
    .replace(/§/g, 'section ')
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The one error type of oauthist: an RFC error code, a human-readable description and the
 * HTTP status it is answered with. Thrown out of any route of the application, it is answered
 * as RFC 6749 §5.2 JSON with that status, never cached (RFC 6750 §3 with its challenge for a
 * refused bearer token): the module installs the filter that does it.
 * @publicApi
 */
export class OAuthError extends Error {
  /** The HTTP status this error is answered with (400 unless the RFC says otherwise). */
  readonly status: number;
  /** Sent as `error_description`: for the developer of the client, never a secret. */
  readonly description: string;
  /** Headers the answer must carry, e.g. `WWW-Authenticate` after failed Basic authentication. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    /** The RFC error code, sent as `error`. */
    readonly error: OAuthErrorCode,
    description: string,
    options: { status?: number; headers?: Readonly<Record<string, string>> } = {},
  ) {
    const safe = asciiDescription(description);
    super(`${error}: ${safe}`);
    this.description = safe;
    this.name = 'OAuthError';
    this.status = options.status ?? STATUS_BY_CODE[error] ?? 400;
    this.headers = options.headers ?? {};
  }

  /** The RFC 6749 §5.2 body: `error` and `error_description`. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }

  /** This error as a token endpoint answers it (RFC 6749 §5.2): JSON, never cached. */
  toResponse(): OAuthResponse {
    return OAuthResponse.json(this.status, this.toJSON(), this.headers);
  }
}
