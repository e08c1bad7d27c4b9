/**
 * What the benchmark runs. `BENCH_QUICK=1` shrinks every run to check that the benchmark
 * works end to end in a minute or so; its figures mean nothing.
 */
const quick = process.env.BENCH_QUICK === '1';

export const CONFIG = {
  quick,
  /** Operations in flight at once for every in-process measurement. */
  concurrency: 64,
  /** Every figure is measured this many times; the median is reported. */
  repeats: 3,
  inProcess: {
    warmupMs: quick ? 200 : 1000,
    durationMs: quick ? 500 : 3000,
    /** Distinct keys (and tokens) each measurement rotates over. */
    poolSize: 1000,
    /** Size of the floor's GET value and of its HGETALL hash, bytes. */
    valueBytes: 200,
    /**
     * Refresh-token families the refresh grant takes turns over. Every refresh adds an access
     * token to its grant's hash (they live an hour), so this many keeps each family to a dozen or
     * so rotations over the whole run: the small grants of real clients, which refresh once
     * an access token expires, rather than one grant of thousands of live tokens.
     */
    refreshFamilies: quick ? 2000 : 10_000,
  },
  probe: {
    /** Operations counted, one at a time, for the round-trip and command counts. */
    operations: quick ? 20 : 100,
    warmup: 10,
  },
  http: {
    connections: 32,
    warmupSeconds: quick ? 1 : 3,
    durationSeconds: quick ? 2 : 8,
  },
  invalidation: {
    /** Revocations timed per run, each watched by another process. */
    samples: quick ? 20 : 200,
  },
  cacheMemory: {
    /** Tokens verified into a fresh token cache to weigh its entries. */
    entries: quick ? 2000 : 20_000,
  },
  memory: {
    tokens: quick ? 1000 : 10_000,
    issueConcurrency: 64,
  },
  scale: {
    small: 1000,
    large: quick ? 50_000 : 1_000_000,
    /** Tokens in flight while bulk-loading through TokenService.issueAccessToken. */
    loadConcurrency: 512,
    /** How many of the loaded tokens are kept to verify (chosen evenly over the load). */
    verifySample: 100_000,
    revokeGrantSizes: [1, quick ? 1000 : 10_000],
  },
} as const;
