import { OAuthError } from './oauth-error';

/**
 * Redis could not be reached or did not answer in time. Answered as `temporarily_unavailable`
 * (503): the client did nothing wrong and may try again.
 * @publicApi
 */
export class StorageUnavailableError extends OAuthError {
  constructor(
    /** The error of the Redis client, for logs; never sent to a client. */
    override readonly cause: unknown,
  ) {
    super(
      'temporarily_unavailable',
      'the authorization server cannot reach its storage; try again shortly',
      { headers: { 'Retry-After': '1' } },
    );
    this.name = 'StorageUnavailableError';
  }
}
