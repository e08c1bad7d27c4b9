import { Cluster } from 'ioredis';
import type { Callback, Command } from 'ioredis';

/** Promises of commands that have their answer already, a timeout included. */
const answered = new WeakSet<Promise<unknown>>();
const watched = new WeakSet<Promise<unknown>>();

function watch(promise: Promise<unknown>): void {
  if (watched.has(promise)) return;
  watched.add(promise);
  const settle = (): void => {
    answered.add(promise);
  };
  promise.then(settle, settle);
}

/**
 * A Cluster whose commands fail within `redisOptions.commandTimeout` however the cluster is
 * doing, as a single connection's do.
 *
 * ioredis arms the command timeout only when a node's connection takes the command. While the
 * Cluster knows no node to send it to (every node down, or none reached yet since start-up)
 * it parks the command in a queue of its own, and a pipeline or MULTI waits for the first
 * slot map, both without a time limit: a request would hang for as long as the outage lasts.
 * So the timeout is armed as soon as the Cluster takes a command, a pipeline waits for the
 * slot map no longer than that, and a command that already failed is dropped when the queue
 * is sent, rather than run late after its caller was told it had failed.
 */
export class BoundedCluster extends Cluster {
  override sendCommand(command: Command, ...rest: unknown[]): unknown {
    const { promise } = command;
    if (answered.has(promise)) return promise;
    const timeout = this.timeoutMs();
    if (timeout !== undefined) {
      command.setTimeout(timeout);
      watch(promise);
    }
    return (super.sendCommand as (...args: unknown[]) => unknown).call(this, command, ...rest);
  }

  override delayUntilReady(callback: Callback): void {
    const timeout = this.timeoutMs();
    if (timeout === undefined) {
      super.delayUntilReady(callback);
      return;
    }
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      callback(new Error('Cluster is not ready: no slot map within the command timeout'));
    }, timeout);
    super.delayUntilReady((error) => {
      clearTimeout(timer);
      if (!done) callback(error);
    });
  }

  private timeoutMs(): number | undefined {
    const timeout = this.options.redisOptions?.commandTimeout;
    return typeof timeout === 'number' ? timeout : undefined;
  }
}
