import { StorageUnavailableError } from '../errors/storage-unavailable-error';

function unavailable(cause: unknown): never {
  throw new StorageUnavailableError(cause);
}

/**
 * Runs a Redis operation so that any failure of it (refused, closed, timed out) surfaces as
 * one error type, which the endpoints answer with 503 rather than 500 or 401.
 */
export function storageCall<T>(operation: Promise<T>): Promise<T> {
  return operation.catch(unavailable);
}
