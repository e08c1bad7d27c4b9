import { performance } from 'node:perf_hooks';

/** One operation of a throughput run; `i` counts the operations started, to rotate over keys. */
export type Operation = (i: number) => Promise<unknown>;

export interface ThroughputOptions {
  /** Operations in flight at once. */
  readonly concurrency: number;
  /** How long to keep starting operations. */
  readonly durationMs: number;
}

/** What a throughput run did. */
export interface ThroughputResult {
  readonly opsPerSec: number;
  /** Operations completed. */
  readonly operations: number;
  /** CPU time this process spent, microseconds per operation (user and system). */
  readonly nodeCpuUsPerOp: number;
}

/**
 * Runs `operation` with `concurrency` of them in flight until `durationMs` has passed. A failing
 * operation fails the run: a benchmark of errors measures nothing.
 */
export async function throughput(
  operation: Operation,
  { concurrency, durationMs }: ThroughputOptions,
): Promise<ThroughputResult> {
  let started = 0;
  let completed = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await operation(started++);
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    opsPerSec: completed / seconds,
    operations: completed,
    nodeCpuUsPerOp: (used.user + used.system) / Math.max(1, completed),
  };
}

/** Runs `operation` `count` times with `concurrency` in flight; the seconds it took. */
export async function runMany(
  count: number,
  concurrency: number,
  operation: Operation,
): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) await operation(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return (performance.now() - start) / 1000;
}

/** Milliseconds one call of `action` takes. */
export async function timeOnce(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}
