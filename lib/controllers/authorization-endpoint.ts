import { Inject, Injectable } from '@nestjs/common';
import { SignedInUserResolver } from '../credentials/signed-in-user-resolver';
import { OAuthError, StorageUnavailableError } from '../errors';
import { AttemptLimiter } from '../throttling/attempt-limiter';
import { attemptSource, UNKNOWN_SOURCE } from '../throttling/attempt-source';
import type { AccessTokenRequest } from '../grants/access-token-request';
import type { CodeRequest } from '../grants/code-request';
import { GrantService } from '../grants/grant.service';
import type { HttpRequestLike } from '../http/http-request';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { RequestParameters } from '../protocol/request-parameters';
import { NO_STORE_HEADERS, OAuthResponse } from '../responses/oauth-response';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

function wantsJson(request: HttpRequestLike): boolean {
  const accept = request.headers?.accept;
  return (
    typeof accept === 'string' &&
    accept.includes('application/json') &&
    !accept.includes('text/html')
  );
}

/**
 * The answer to a broken authorization request, which must not be redirected (RFC 6749
 * §4.1.2.1): an HTML page that no page may frame (RFC 6749 §10.13), or JSON to a client asking
 * for it; never cached.
 */
export function authorizationErrorPage(http: HttpRequestLike, error: OAuthError): OAuthResponse {
  const status = error.status >= 500 ? error.status : 400;
  if (wantsJson(http)) return OAuthResponse.json(status, error.toJSON(), error.headers);
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Authorization request refused</title></head>
<body>
<h1>This authorization request cannot be completed</h1>
<p>${escapeHtml(error.description)}</p>
<p>Error: <code>${escapeHtml(error.error)}</code></p>
</body>
</html>
`;
  return new OAuthResponse(
    status,
    {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      ...NO_STORE_HEADERS,
      ...error.headers,
    },
    body,
  );
}

/**
 * The user id a resolver answered: a number is taken as its string form, as user ids are
 * elsewhere; anything else but a string (a resolver in plain JavaScript may answer undefined or
 * '') is nobody, so prompt=none gets login_required, never someone else's consent.
 */
function signedInUserOf(answer: unknown): string | null {
  if (typeof answer === 'number' && Number.isFinite(answer)) return String(answer);
  return typeof answer === 'string' && answer !== '' ? answer : null;
}

function isTooManyPending(error: unknown): error is OAuthError {
  return error instanceof OAuthError && error.error === 'temporarily_unavailable';
}

/**
 * The authorization endpoint (RFC 6749 §3.1): the library owns the protocol, the application
 * owns sign-in and consent. A broken request gets an error page and is never redirected; an
 * invalid one is redirected with `error`; a good one is saved as a pending request and the user
 * is sent to the application's consent URL with its `request_id`, unless a `SignedInUserResolver`
 * lets it be answered without a page (`prompt=none`, remembered consent).
 */
@Injectable()
export class AuthorizationEndpoint {
  constructor(
    private readonly grants: GrantService,
    private readonly limiter: AttemptLimiter,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
    @Inject(SignedInUserResolver) private readonly signedInUsers: SignedInUserResolver | null,
  ) {}

  async answer(http: HttpRequestLike): Promise<OAuthResponse> {
    let request: CodeRequest | AccessTokenRequest;
    const parameters = RequestParameters.fromRequest(http);
    try {
      request = await this.grants.authorizationRequest(parameters);
    } catch (error) {
      // The client and its redirection URI could not be checked: no redirect is safe.
      if (error instanceof StorageUnavailableError) return authorizationErrorPage(http, error);
      throw error;
    }
    const { check } = request;
    if (check.kind === 'broken') return authorizationErrorPage(http, check.error);
    if (check.kind === 'invalid')
      return OAuthResponse.redirect(
        request.getErrorRedirect(check.error.error, check.error.description),
      );
    try {
      // Anyone can leave requests waiting without signing in: each source only so many. A
      // source the framework does not report is not counted, lest all such share one limit.
      const source = attemptSource(parameters.sourceAddress);
      if (source !== UNKNOWN_SOURCE) await this.limiter.countPending(source);
      const pending = await request.savePending();
      // Who is signed in, where the application tells: prompt=none, or a consent given before,
      // is then answered here and the user never sees a page.
      if (this.signedInUsers !== null) {
        const user = signedInUserOf(await this.signedInUsers.signedInUser(http));
        const answer = await pending.answerWithoutPage(user);
        if (answer !== null) return OAuthResponse.redirect(answer);
      }
      return OAuthResponse.redirect(this.consentLocation(pending.id));
    } catch (error) {
      // RFC 6749 §4.1.2.1: temporarily_unavailable, to the verified redirection URI.
      if (!(error instanceof StorageUnavailableError || isTooManyPending(error))) throw error;
      return OAuthResponse.redirect(request.getErrorRedirect(error.error, error.description));
    }
  }

  private consentLocation(requestId: string): string {
    const { consentUrl } = this.options;
    return `${consentUrl}${consentUrl.includes('?') ? '&' : '?'}request_id=${encodeURIComponent(requestId)}`;
  }
}
