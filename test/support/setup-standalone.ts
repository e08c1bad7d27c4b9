// Set rather than assumed, so that a value left in the shell cannot turn this project's run
// into a second cluster run.
process.env.OAUTHIST_TEST_TOPOLOGY = 'standalone';
