export default async function globalTeardown(): Promise<void> {
  await globalThis.__OAUTHIST_TEST_REDIS__?.stop();
}
