import { ReplyError } from 'ioredis';
import { StorageUnavailableError } from '../errors/storage-unavailable-error';

// Replies of a Redis that is there but cannot serve right now; any other reply error (a script
// error, WRONGTYPE, CROSSSLOT, NOPERM) is a fault to log, not an outage to wait out.
const TRANSIENT_REPLY = /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY|BUSY)\b/;

function classify(cause: unknown): never {
  if (cause instanceof ReplyError && !TRANSIENT_REPLY.test((cause as Error).message)) throw cause;
  throw new StorageUnavailableError(cause);
}

/**
 * Runs a Redis operation so that Redis being unreachable, slow or failing over (refused,
 * closed, timed out, CLUSTERDOWN...) surfaces as one error type, which the endpoints answer
 * with 503 rather than 500 or 401.
 */
export function storageCall<T>(operation: Promise<T>): Promise<T> {
  return operation.catch(classify);
}

/**
 * The replies of a pipeline or MULTI. Its commands fail one by one (a timeout, a failover), and
 * the first failure is reported as `storageCall` reports a failed command.
 */
export function storageReplies(replies: [Error | null, unknown][] | null): unknown[] {
  return (replies ?? []).map(([error, reply]) => {
    if (error) classify(error);
    return reply;
  });
}
