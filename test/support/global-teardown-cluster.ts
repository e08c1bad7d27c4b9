export default async function globalTeardownCluster(): Promise<void> {
  await globalThis.__OAUTHIST_TEST_CLUSTER__?.stop();
  globalThis.__OAUTHIST_TEST_CLUSTER__ = undefined;
}
