import { OAuthError } from '../errors';
import type { UnreadableBody } from '../http/unreadable-body';

/**
 * The RFC 6749 §5.2 error for a body the framework refused to read. A body too large keeps its
 * 413 (RFC 9110 §15.5.14), which tells the client that retrying the same request is futile;
 * anything else is the 400 of §5.2.
 */
export function unreadableBodyError(problem: UnreadableBody): OAuthError {
  if (problem.status === 413)
    return new OAuthError('invalid_request', 'the request body is too large', { status: 413 });
  if (problem.status === 415) {
    return new OAuthError(
      'invalid_request',
      "the body's media type, charset or content encoding is not supported",
    );
  }
  return new OAuthError('invalid_request', 'the request body is malformed');
}
