import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Cluster, Redis, ReplyError } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { OAuthistRedisClusterOptions, OAuthistRedisOption } from '../interfaces';
import { OAUTHIST_OPTIONS, ResolvedOAuthistOptions } from '../options/resolved-options';
import { BoundedCluster } from './bounded-cluster';
import { LUA_SCRIPTS, LuaScriptName } from './lua-scripts';
import { RedisKeys } from './redis-keys';
import { checkRedisVersion, MIN_REDIS_VERSION } from './redis-server-version';

/** A single Redis or a Redis Cluster: oauthist uses only what both offer. */
export type RedisClient = Redis | Cluster;

type ScriptCommand = (
  numberOfKeys: number,
  ...keysAndArgs: (string | number)[]
) => Promise<unknown>;

function isRedisClient(value: unknown): value is RedisClient {
  return value instanceof Redis || value instanceof Cluster;
}

function isClusterOption(value: OAuthistRedisOption): value is OAuthistRedisClusterOptions {
  return typeof value === 'object' && 'clusterNodes' in value;
}

function commandName(script: LuaScriptName): string {
  return `oauthist_${script}`;
}

/** Where a connection goes, for a message: the socket's peer once connected, else the options. */
function addressOf(node: Redis): string {
  // Unset before the first connection; Sentinel's options name no master.
  const stream = node.stream as Redis['stream'] | undefined;
  if (stream?.remoteAddress && stream.remotePort) {
    const host = stream.remoteAddress.includes(':')
      ? `[${stream.remoteAddress}]`
      : stream.remoteAddress;
    return `${host}:${stream.remotePort}`;
  }
  const { path, host, port } = node.options;
  return path ?? `${host ?? 'localhost'}:${port ?? 6379}`;
}

/** What the version check read from one server: `version` `null` when it could read none. */
export interface ServerVersion {
  readonly address: string;
  readonly version: string | null;
}

/** While Redis is away, one warning per interval is enough. */
const ERROR_REPORT_INTERVAL = 10_000;

/**
 * The Redis connection of one module instance, with oauthist's scripts defined on it and the
 * key names of its prefix. Closes the connection on shutdown only when oauthist opened it.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: RedisClient;
  readonly keys: RedisKeys;
  private readonly owned: boolean;
  private readonly logger = new Logger('oauthist');
  private lastReported = 0;
  private readonly companions: { close(): void }[] = [];

  constructor(@Inject(OAUTHIST_OPTIONS) options: ResolvedOAuthistOptions) {
    const { redis } = options;
    if (isRedisClient(redis)) {
      this.client = redis;
      this.owned = false;
    } else {
      // A command must fail within the timeout while Redis is away, not wait in the offline
      // queue: the endpoints then answer 503 at once, and recover when Redis is back.
      const bounded: RedisOptions = {
        commandTimeout: options.commandTimeout,
        maxRetriesPerRequest: 1,
      };
      if (isClusterOption(redis)) {
        const { clusterNodes, clusterOptions } = redis;
        this.client = new BoundedCluster(
          clusterNodes.map(({ host, port }) => ({ host, port })),
          {
            ...clusterOptions,
            redisOptions: { ...bounded, ...clusterOptions?.redisOptions },
          },
        );
      } else if (typeof redis === 'string') {
        this.client = redis.startsWith('/')
          ? new Redis({ ...bounded, path: redis })
          : new Redis(redis, bounded);
      } else {
        this.client = new Redis({ ...bounded, ...(redis as RedisOptions) });
      }
      this.owned = true;
      // Failures reach the requests that meet them (503); without a listener ioredis would also
      // print "Unhandled error event" for every reconnect attempt.
      this.client.on('error', (error: Error) => this.reportError(error));
    }
    this.keys = new RedisKeys(options.prefix);
    for (const [name, lua] of Object.entries(LUA_SCRIPTS)) {
      this.client.defineCommand(commandName(name as LuaScriptName), { lua });
    }
  }

  /** Runs one of oauthist's scripts by EVALSHA (EVAL only the first time a server lacks it). */
  runScript(
    script: LuaScriptName,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const command = (this.client as unknown as Record<string, ScriptCommand>)[commandName(script)];
    return command.call(this.client, keys.length, ...keys, ...args);
  }

  /**
   * Refuses a server older than `minimum` with one line (`UnsupportedRedisVersionError`), from
   * `INFO server` of the server, or of every master of a Redis Cluster. Start-up runs it once:
   * no request pays for it. A server that does not let oauthist read INFO (an ACL without
   * @dangerous) is let through with a warning rather than refused on a guess.
   */
  async checkServerVersion(minimum: string = MIN_REDIS_VERSION): Promise<ServerVersion[]> {
    const { client } = this;
    let servers: Redis[] = [client as Redis];
    if (client instanceof Cluster) {
      // The masters are known once the slot map is, which a first command waits for.
      if (client.status !== 'ready') await client.ping();
      servers = client.nodes('master');
    }
    return Promise.all(
      servers.map(async (server): Promise<ServerVersion> => {
        let info: string;
        try {
          info = await server.info('server');
        } catch (error) {
          if (!(error instanceof ReplyError)) throw error;
          this.logger.warn(
            `Redis version at ${addressOf(server)} not checked: ${(error as Error).message}`,
          );
          return { address: addressOf(server), version: null };
        }
        const address = addressOf(server);
        return { address, version: checkRedisVersion(info, address, minimum) };
      }),
    );
  }

  private reportError(error: Error): void {
    const now = Date.now();
    if (now - this.lastReported < ERROR_REPORT_INTERVAL) return;
    this.lastReported = now;
    this.logger.warn(`Redis connection: ${error.message}`);
  }

  /**
   * Drops the connection at once if oauthist opened it. For a start-up that failed: Nest does
   * not shut down an application that never started, and a connection left open would go on
   * reconnecting, keeping the process alive.
   */
  disconnectIfOwned(): void {
    for (const companion of this.companions) companion.close();
    if (this.owned) this.client.disconnect();
  }

  /**
   * A connection oauthist opened beside this one (always its own, even beside a given client):
   * closed with it when start-up fails.
   */
  addCompanion(companion: { close(): void }): void {
    this.companions.push(companion);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.owned) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
