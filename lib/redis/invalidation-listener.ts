import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import type { InvalidationSink, InvalidationTracking } from '../cache/invalidation-tracking';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { HEARTBEAT_INTERVAL, NodeInvalidations } from './node-invalidations';
import { RedisConnection } from './redis-connection';

/** A range of `CLUSTER SLOTS`: first and last slot, then master and replicas as [host, port, id]. */
type ClusterSlotRange = [number, number, ...[string, number, ...unknown[]][]];

/** How long a report connection waits before reconnecting, at most, in ms. */
const MAX_RECONNECT_DELAY = 2000;

/** While a node keeps refusing to report, one warning per interval is enough. */
const WARNING_INTERVAL = 10_000;

/**
 * The reports of changes that keep oauthist's in-process caches true (server-assisted
 * client-side caching): one connection per Redis node, master or replica, each asking its node
 * for a report of every change under the tracked prefix. A replica is asked too, so that when
 * it becomes a master its reports are flowing already.
 *
 * `tracking` holds only while every node of the topology reports: a connection that drops or
 * reconnects, or a change of a Cluster's slot map, empties every cache and bumps `epoch`, and
 * nothing is cached until every node reports again. Opened only when a cache is on.
 */
@Injectable()
export class InvalidationListener
  implements InvalidationTracking, OnApplicationBootstrap, OnApplicationShutdown
{
  private isTracking = false;
  private currentEpoch = 0;
  private readonly sinks: InvalidationSink[] = [];
  private readonly nodes = new Map<string, NodeInvalidations>();
  private readonly enabled: boolean;
  /** What every tracked key name starts with, as Redis spells it (ioredis' keyPrefix included). */
  private readonly trackedPrefix: string;
  private readonly keyPrefix: string;
  private readonly logger = new Logger('oauthist');
  private lastWarning = 0;
  private closed = false;
  private readonly waiters = new Set<() => void>();
  /** A Cluster's slot map as last read, one line per range; `null`: not known now. */
  private slotMap: string | null = null;
  private followingTopology = false;
  private topologyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(OAUTHIST_OPTIONS) private readonly options: ResolvedOAuthistOptions,
  ) {
    this.enabled = options.clientCache !== null || options.tokenCache !== null;
    this.keyPrefix = redis.client.options.keyPrefix ?? '';
    // Redis refuses overlapping prefixes on one connection: the grants' prefix covers the registry.
    const { keys } = redis;
    this.trackedPrefix =
      this.keyPrefix +
      (options.tokenCache !== null ? keys.trackedGrantPrefix() : keys.trackedClientPrefix());
  }

  get tracking(): boolean {
    return this.isTracking;
  }

  get epoch(): number {
    return this.currentEpoch;
  }

  /** @internal The ids of the report connections on their nodes, for tests. */
  clientIds(): (number | null)[] {
    return [...this.nodes.values()].map((node) => node.clientId);
  }

  /** Sends the reports to `sink` from now on. */
  register(sink: InvalidationSink): void {
    this.sinks.push(sink);
  }

  /**
   * Drops, in this process, what depends on `keys`, at once: a change this process makes is
   * seen by its next read without waiting for Redis' report of it.
   */
  invalidate(keys: readonly string[]): void {
    for (const sink of this.sinks) sink.invalidate(keys);
  }

  /**
   * Resolves once every node reports, or after `timeoutMs`, whichever comes first: start-up
   * waits for it, so that an application's first requests find the caches working.
   */
  whenTracking(timeoutMs: number): Promise<boolean> {
    if (this.isTracking || !this.enabled) return Promise.resolve(this.isTracking);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(this.isTracking);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  // Once every module started: an application that fails to start opens no report connection.
  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.redis.addCompanion({ close: () => this.onApplicationShutdown() });
    const { client } = this.redis;
    if (client instanceof Cluster) {
      client.on('end', () => this.update());
      await this.followTopology(client);
      this.topologyTimer = setInterval(() => void this.followTopology(client), HEARTBEAT_INTERVAL);
      this.topologyTimer.unref();
    } else {
      this.watch('node', client, {});
    }
    await this.whenTracking(this.options.commandTimeout);
  }

  onApplicationShutdown(): void {
    this.closed = true;
    if (this.topologyTimer !== undefined) clearInterval(this.topologyTimer);
    for (const node of this.nodes.values()) node.close();
    this.nodes.clear();
    this.doubt();
  }

  /**
   * Reads a Cluster's nodes from `CLUSTER SLOTS` on every beat, rather than waiting for ioredis
   * to learn of them: a cache serves requests without sending a command, so no MOVED would
   * tell. A node new to it gets a report connection before the caches are used again, one that
   * left loses its own, and any change of the slot map empties the caches. A read that fails
   * leaves the topology unknown, and the caches unused, until one succeeds.
   */
  private async followTopology(cluster: Cluster): Promise<void> {
    if (this.closed || this.followingTopology) return;
    this.followingTopology = true;
    try {
      const masters = cluster.nodes('master');
      if (masters.length === 0) throw new Error('no master known yet');
      const asked = masters[Math.floor(Math.random() * masters.length)];
      const slots = (await asked.call('CLUSTER', 'SLOTS')) as ClusterSlotRange[];
      const map = slots
        .map(([low, high, ...nodes]) =>
          [low, high, ...nodes.map(([host, port]) => `${host}:${port}`)].join(' '),
        )
        .sort()
        .join('\n');
      if (map !== this.slotMap) {
        if (this.slotMap !== null) {
          this.doubt();
          // So that ioredis sends the commands of the requests that read Redis meanwhile to
          // the new owners at once.
          cluster.refreshSlotsCache();
        }
        this.slotMap = map;
        const addresses = new Map<string, { host: string; port: number }>();
        for (const [, , ...nodes] of slots)
          for (const [host, port] of nodes) addresses.set(`${host}:${port}`, { host, port });
        this.reconcile(asked, addresses);
      }
    } catch {
      if (this.slotMap !== null) this.doubt();
      this.slotMap = null;
    } finally {
      this.followingTopology = false;
      this.update();
    }
  }

  /** A report connection for each node of `addresses`, none for a node no longer there. */
  private reconcile(template: Redis, addresses: Map<string, { host: string; port: number }>): void {
    if (this.closed) return;
    for (const [key, listener] of this.nodes) {
      if (addresses.has(key)) continue;
      listener.close();
      this.nodes.delete(key);
    }
    for (const [key, address] of addresses) {
      if (!this.nodes.has(key)) this.watch(key, template, address);
    }
  }

  /** Opens the report connection of one node: `template`'s options, at `address` if given. */
  private watch(key: string, template: Redis, address: { host?: string; port?: number }): void {
    const connection = template.duplicate({
      ...address,
      lazyConnect: false,
      readOnly: false,
      enableOfflineQueue: true,
      autoResubscribe: false,
      connectionName: 'oauthist:invalidations',
      retryStrategy: (attempt: number) => Math.min(attempt * 50, MAX_RECONNECT_DELAY),
    });
    this.nodes.set(
      key,
      new NodeInvalidations(connection, this.trackedPrefix, {
        ready: () => this.update(),
        lost: () => {
          this.doubt();
          this.update();
        },
        changed: (keys) => this.changed(keys),
        failed: (error) => this.warn(error),
      }),
    );
  }

  private changed(keys: readonly string[] | null): void {
    if (keys === null) {
      // FLUSHALL or FLUSHDB: everything read before is gone, and reads under way may be stale.
      this.emptyCaches();
      return;
    }
    const names =
      this.keyPrefix === '' ? keys : keys.map((key) => key.slice(this.keyPrefix.length));
    for (const sink of this.sinks) sink.invalidate(names);
  }

  private update(): void {
    const client = this.redis.client;
    const tracking =
      !this.closed &&
      this.nodes.size > 0 &&
      (!(client instanceof Cluster) || this.slotMap !== null) &&
      (!(client instanceof Cluster) || client.status === 'ready') &&
      [...this.nodes.values()].every((node) => node.ready);
    if (tracking === this.isTracking) return;
    if (!tracking) {
      this.doubt();
      return;
    }
    this.isTracking = true;
    for (const waiter of [...this.waiters]) waiter();
  }

  private doubt(): void {
    this.isTracking = false;
    this.emptyCaches();
  }

  /** Empties every cache, and spoils the reads under way by bumping the epoch. */
  private emptyCaches(): void {
    this.currentEpoch++;
    for (const sink of this.sinks) sink.clear();
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < WARNING_INTERVAL) return;
    this.lastWarning = now;
    this.logger.warn(
      `Redis did not take CLIENT TRACKING (${error.message}); the caches read Redis instead`,
    );
  }
}
