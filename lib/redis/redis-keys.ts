import { keySegment } from './key-segment';

/**
 * The one place where Redis key names are built.
 *
 * Every key is `<prefix>:{<hash tag>}:<kind>[:<id>]`. The registry of clients lives under one
 * tag, so creating, updating and deleting a client is a single atomic script even on Redis
 * Cluster (the registry is small and read off the hot path). Ids and attribute values are
 * passed through `keySegment`, so no input can forge a key name.
 */
export class RedisKeys {
  private readonly registry: string;

  constructor(readonly prefix: string) {
    this.registry = `${prefix}:{clients}`;
  }

  /** Hash: one client's fields, attributes (`a:<name>`) and index membership (`i:<name>`). */
  client(clientId: string): string {
    return `${this.registry}:client:${keySegment(clientId)}`;
  }

  /** Sorted set: every client id, scored by creation time, for paginated listing. */
  allClients(): string {
    return `${this.registry}:all`;
  }

  /** Set: ids of the clients whose attribute `name` equals `value`. */
  clientAttribute(name: string, value: string): string {
    return `${this.registry}:attr:${keySegment(name)}:${keySegment(value)}`;
  }

  /** Every key of this prefix, for tests and tools that need to find them; never on a request path. */
  pattern(): string {
    return `${this.prefix}:*`;
  }
}
