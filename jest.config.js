// Three projects: the unit tests, which need no Redis and so start none (`npm run test:unit`
// runs them in seconds where redis-server is not installed); every other suite against a single
// redis-server; then the integration and end-to-end suites again against a three-master Redis
// Cluster, so that a key layout or script that only works on one server fails here. Each Redis
// project starts its Redis only when it has tests to run (`npx jest --selectProjects standalone`
// skips the cluster).
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/test/unit'],
    },
    {
      ...shared,
      displayName: 'standalone',
      roots: ['<rootDir>/test'],
      // The unit project runs these, without a Redis; the cluster project runs the cluster's
      // outage, which needs no cluster of its own.
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/unit/',
        '/cluster-unreachable\\.e2e-spec\\.ts$',
      ],
      setupFiles: ['<rootDir>/test/support/setup-standalone.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'cluster',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/e2e'],
      // The sample-* suites spawn the sample and a browser against REDIS_URL; the sample on a
      // cluster is covered by sample.e2e-spec.ts, which this project runs.
      // package.e2e-spec.ts packs the library and touches no Redis: once is enough.
      testPathIgnorePatterns: [
        '/node_modules/',
        '/sample-[^/]*\\.e2e-spec\\.ts$',
        '/package\\.e2e-spec\\.ts$',
      ],
      setupFiles: ['<rootDir>/test/support/setup-cluster.ts'],
      globalSetup: '<rootDir>/test/support/global-setup-cluster.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown-cluster.ts',
    },
  ],
};
