// The cluster project's suites: test/support/test-redis.ts then hands out the test cluster.
process.env.OAUTHIST_TEST_TOPOLOGY = 'cluster';
