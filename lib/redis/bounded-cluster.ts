import { Cluster } from 'ioredis';
import type { Callback, Command } from 'ioredis';

/**
 * The ioredis versions whose Cluster internals the overrides below were checked against
 * (`sendCommand` with its offline queue and the pipelines' retry, `delayUntilReady`), from
 * `checkedFrom` up to but excluding `checkedBelow`. test/unit/bounded-cluster.spec.ts fails on
 * any other version, so that the overrides are checked again before it is used.
 */
export const IOREDIS_CHECKED = { checkedFrom: '5.11.1', checkedBelow: '5.12.0' } as const;

/** Commands that failed on the command timeout: never to be sent. */
const expired = new WeakSet<Command>();
const timed = new WeakSet<Command>();

/**
 * A Cluster whose commands fail within `redisOptions.commandTimeout` however the cluster is
 * doing, as a single connection's do. oauthist opens one for `{ clusterNodes }`; an
 * application that shares its own Cluster with oauthist creates it the same way:
 * `new BoundedCluster(nodes, { redisOptions: { commandTimeout: 2000 } })`.
 *
 * ioredis arms the command timeout only when a node's connection takes the command. While the
 * Cluster knows no node to send it to (every node down, or none reached yet since start-up)
 * it parks the command in a queue of its own, and a pipeline or MULTI waits for the first
 * slot map, both without a time limit: a request would hang for as long as the outage lasts.
 * So the timeout runs from when the Cluster first takes a command, a pipeline waits for the
 * slot map no longer than that, and a command that failed on the timeout is dropped when the
 * queue is sent, lest it run late after its caller was told that it failed. The mark is kept
 * on the command, not its promise: a pipeline that failed renews its commands' promises, and
 * a MULTI would then run late, or torn.
 *
 * No supported option does it. `enableOfflineQueue: false` on the Cluster rejects every
 * command until the first slot map, so start-up (which reads the server secret at once) would
 * fail, as would every command while the Cluster reconnects; the nodes' own offline queues
 * cannot be turned off (ClusterOptions.redisOptions leaves the option out).
 * `slotsRefreshTimeout`, `clusterRetryStrategy` and the `retryDelayOn*` delays bound an
 * attempt to connect, not the wait of a queued command. Waiting for upstream:
 * redis/ioredis#1604 (commandTimeout does not cover the Cluster's offline queue; open),
 * redis/ioredis#2130 with PR #2131 (a timed-out command is sent later all the same; open);
 * the unbounded wait for the slot map was raised in the review of PR #1201, which added
 * delayUntilReady, and left as is. Unchanged in ioredis 6.0.0.
 */
export class BoundedCluster extends Cluster {
  /** Sends a command as ioredis does, failing it after the command timeout wherever it waits. */
  override sendCommand(command: Command, stream?: unknown, ...rest: unknown[]): unknown {
    if (expired.has(command)) return command.promise;
    const timeout = this.timeoutMs();
    // Once per command: a pipeline sent again (MOVED, TRYAGAIN, ...) keeps its first deadline.
    if (timeout !== undefined && !timed.has(command)) {
      timed.add(command);
      const timer = setTimeout(() => {
        if (command.isResolved) return;
        expired.add(command);
        command.reject(new Error('Command timed out'));
      }, timeout);
      // Only an answer ends the deadline: a pipeline's retry gives the command a new promise.
      command.promise.then(
        () => clearTimeout(timer),
        () => undefined,
      );
    }
    return (super.sendCommand as (...args: unknown[]) => unknown).call(
      this,
      command,
      stream,
      ...rest,
    );
  }

  /** Waits for the first slot map as ioredis does, for no longer than the command timeout. */
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
