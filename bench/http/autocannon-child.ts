import autocannon from 'autocannon';

/** One load run: the request, and how long to warm up and then measure. */
export interface LoadJob {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

/** What a load run measured. */
export interface LoadResult {
  /** Mean of the per-second request counts. */
  readonly requestsPerSec: number;
  readonly requests: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMeanMs: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly seconds: number;
}

/**
 * Runs autocannon in a process of its own, so that the load generator and the Nest app under
 * test do not share an event loop: forked by the HTTP section with the job as its argument,
 * it sends back the result and exits.
 */
async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as LoadJob;
  const options = {
    url: job.url,
    method: job.method,
    headers: job.headers,
    body: job.body,
    connections: job.connections,
  };
  if (job.warmupSeconds > 0) await autocannon({ ...options, duration: job.warmupSeconds });
  const result = await autocannon({ ...options, duration: job.durationSeconds });
  const summary: LoadResult = {
    requestsPerSec: result.requests.average,
    requests: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.mean,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    seconds: result.duration,
  };
  process.send?.(summary);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`autocannon child: ${String(error)}\n`);
    process.exit(1);
  },
);
