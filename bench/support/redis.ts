import { Redis } from 'ioredis';

/**
 * A connection set up as oauthist sets up the ones it opens (a bounded command timeout, one
 * retry), so that the floor, oauthist and the peer pay the same per-command client cost.
 */
export async function openConnection(url: string): Promise<Redis> {
  const redis = new Redis(url, { commandTimeout: 2000, maxRetriesPerRequest: 1 });
  await redis.ping();
  return redis;
}

/** One section of INFO as name → value. */
export async function info(redis: Redis, section: string): Promise<Record<string, string>> {
  const text = await redis.info(section);
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** The `calls` of every command in INFO commandstats, by lower-case command name. */
export async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  for (const [name, value] of Object.entries(await info(redis, 'commandstats'))) {
    const match = /(?:^|,)calls=(\d+)/.exec(value);
    if (name.startsWith('cmdstat_') && match)
      calls[name.slice('cmdstat_'.length)] = Number(match[1]);
  }
  return calls;
}

/** Commands that only the benchmark's own bookkeeping sends, left out of the deltas. */
const BOOKKEEPING = new Set([
  'info',
  'config|resetstat',
  'config',
  'ping',
  'memory|usage',
  'memory|stats',
  'memory',
]);

/** Calls per command between two snapshots, bookkeeping left out. */
export function callDelta(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, calls] of Object.entries(after)) {
    const added = calls - (before[name] ?? 0);
    if (added > 0 && !BOOKKEEPING.has(name)) delta[name] = added;
  }
  return delta;
}

/** used_memory in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  return Number((await info(redis, 'memory')).used_memory);
}

/** MEMORY USAGE of each key, exactly (SAMPLES 0), in one pipeline; 0 for a missing key. */
export async function memoryUsage(redis: Redis, keys: readonly string[]): Promise<number[]> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return Number(value ?? 0);
  });
}

/** CPU seconds redis-server has used so far, all its threads, user and system. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const cpu = await info(redis, 'cpu');
  return Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys);
}

/**
 * `dataset.bytes` of MEMORY STATS: used_memory less Redis's own overhead, the keyspace's tables
 * and the clients' buffers among it. The keyspace's table doubles at powers of two, all at once,
 * and a client's buffers follow what is in flight: either lands on one batch and not another.
 */
export async function datasetBytes(redis: Redis): Promise<number> {
  const stats = (await redis.call('MEMORY', 'STATS')) as unknown[];
  const at = stats.indexOf('dataset.bytes');
  if (at < 0) throw new Error('bench: MEMORY STATS has no dataset.bytes');
  return Number(stats[at + 1]);
}
