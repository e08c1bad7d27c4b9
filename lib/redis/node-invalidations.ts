import type { Redis } from 'ioredis';

/** The channel Redis sends the reports to, on a RESP2 connection that asks for them. */
const INVALIDATIONS = '__redis__:invalidate';

/**
 * How often a report connection proves it is alive, in ms. A connection cut without a word (a
 * partition) is noticed within two beats, which bounds how long a cache can miss reports.
 */
export const HEARTBEAT_INTERVAL = 500;

/** How long a connection whose set-up failed waits before it tries again, in ms. */
const SET_UP_RETRY_DELAY = 2000;

/** What `NodeInvalidations` tells its listener. */
export interface NodeInvalidationEvents {
  /** The node now reports every change under the prefix. */
  ready(): void;
  /** The node's reports may be missed from now on, until `ready()` again. */
  lost(): void;
  /** Keys the node reports changed; `null`: its database was flushed. */
  changed(keys: readonly string[] | null): void;
  /** Asking for the reports failed; the connection reconnects and tries again. */
  failed(error: Error): void;
}

/**
 * One connection to one Redis node that receives the node's reports of changes to keys under a
 * prefix (`CLIENT TRACKING ... BCAST`, sent to the connection itself). Tracking belongs to the
 * connection: after every reconnection it is asked for again before the node counts as ready,
 * which is why the connection does not resubscribe by itself.
 */
export class NodeInvalidations {
  private isReady = false;
  /** Bumped at every loss, so that a set-up that was under way does not mark a new connection ready. */
  private generation = 0;
  private awaitingBeat = false;
  private readonly heartbeat: NodeJS.Timeout;
  /** The connection's id on the node, once set up; for operators' and tests' eyes. */
  clientId: number | null = null;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly events: NodeInvalidationEvents,
  ) {
    connection.on('ready', () => void this.setUp());
    connection.on('close', () => this.lose());
    // Failures are reported as a loss (on close) or by `failed`; without a listener ioredis
    // would print every reconnection attempt.
    connection.on('error', () => undefined);
    connection.on('messageBuffer', (channel: Buffer, message: unknown) => {
      if (channel.toString() !== INVALIDATIONS) return;
      if (message === null) this.events.changed(null);
      else if (Array.isArray(message))
        this.events.changed(message.map((key: Buffer | string) => key.toString()));
    });
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_INTERVAL);
    // Reports are a cache's business: they never keep the process alive.
    this.heartbeat.unref();
  }

  /** Whether the node reports every change now. */
  get ready(): boolean {
    return this.isReady;
  }

  /** Closes the connection for good. */
  close(): void {
    clearInterval(this.heartbeat);
    this.generation++;
    this.isReady = false;
    this.connection.disconnect();
  }

  private async setUp(): Promise<void> {
    const generation = ++this.generation;
    let id: number;
    try {
      id = Number(await this.connection.client('ID'));
      await this.connection.call(
        'CLIENT',
        'TRACKING',
        'ON',
        'REDIRECT',
        String(id),
        'BCAST',
        'PREFIX',
        this.prefix,
      );
      await this.connection.subscribe(INVALIDATIONS);
    } catch (error) {
      if (generation !== this.generation) return;
      this.events.failed(error as Error);
      // A new connection tries again, after a pause: a server that refuses tracking (an ACL)
      // would refuse it as fast as it is asked. Until then nothing is cached.
      const retry = setTimeout(() => {
        if (generation === this.generation) this.connection.disconnect(true);
      }, SET_UP_RETRY_DELAY);
      retry.unref();
      return;
    }
    if (generation !== this.generation || this.connection.status !== 'ready') return;
    this.clientId = id;
    this.awaitingBeat = false;
    this.isReady = true;
    this.events.ready();
  }

  /**
   * A PING on the report connection: its answer comes after every report sent before it, so an
   * answer proves none was lost. A beat still unanswered at the next one counts as a loss.
   */
  private beat(): void {
    if (!this.isReady) return;
    if (this.awaitingBeat) {
      this.lose();
      this.connection.disconnect(true);
      return;
    }
    this.awaitingBeat = true;
    const generation = this.generation;
    this.connection.ping().then(
      () => {
        if (generation === this.generation) this.awaitingBeat = false;
      },
      () => undefined, // the next beat counts it as a loss
    );
  }

  private lose(): void {
    this.generation++;
    this.clientId = null;
    this.isReady = false;
    this.events.lost();
  }
}
