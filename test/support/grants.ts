import type {
  GrantService,
  OAuthError,
  OAuthParameters,
  RegisteredClient,
  TokenRequest,
} from '../../lib';
import type { OAuthistFixture } from './oauthist-fixture';
import { queryOf } from './pkce';
import { dumpKeys } from './test-redis';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Stored times are whole seconds, so a 1 s lifetime can end a few milliseconds after issue
 * when issue falls at the very end of a second; starting early in a second keeps a "still
 * alive right after issue" check deterministic.
 */
export async function startOfSecond(): Promise<void> {
  const into = Date.now() % 1000;
  if (into > 700) await sleep(1000 - into + 10);
}

/** An `Authorization: Basic` value with id and secret as given (already encoded or not). */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;
}

/** Percent-encodes every character, which RFC 6749 §2.3.1 form-decoding must undo. */
export function percentEncodeAll(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** A well-formed token or code string that was never issued. */
export const NEVER_ISSUED = `${'A'.repeat(16)}.${'B'.repeat(43)}`;

/** The error a loaded token request holds, failing the test if it holds none. */
export function errorOf(request: TokenRequest): OAuthError {
  const error = request.getError();
  if (error === null) throw new Error('expected the token request to be invalid');
  return error;
}

/** Runs a code request that must be good, saves it, accepts it and returns the code. */
export async function obtainCode(
  grants: GrantService,
  client: RegisteredClient,
  parameters: OAuthParameters = {},
  extras: Readonly<Record<string, string | number | boolean>> = { userId: 'alice' },
): Promise<string> {
  const request = await grants.codeRequest({ client_id: client.id, ...parameters });
  if (request.error) throw request.error;
  const pending = await request.saveCode();
  const { code } = queryOf(await pending.accept(extras));
  if (!code) throw new Error('accept() gave no code');
  return code;
}

/**
 * Fails unless none of `secrets` (nor the random half of a grant-bound one) appears in any key
 * name or value under the fixture's prefix.
 */
export async function expectNotStored(
  fixture: OAuthistFixture,
  secrets: readonly string[],
): Promise<void> {
  const dump = await dumpKeys(fixture.redis, fixture.prefix);
  expect(dump.size).toBeGreaterThan(0);
  const needles = secrets.flatMap((secret) => {
    const dot = secret.indexOf('.');
    return dot > 0 ? [secret, secret.slice(dot + 1)] : [secret];
  });
  for (const needle of needles) expect(needle.length).toBeGreaterThanOrEqual(8);
  const leaks: string[] = [];
  for (const [key, content] of dump) {
    for (const needle of needles) {
      if (key.includes(needle) || content.includes(needle)) leaks.push(`${needle} in ${key}`);
    }
  }
  expect(leaks).toEqual([]);
}

/**
 * How many access tokens (live or tombstones) are stored under the fixture's prefix: the fields
 * of every grant's hash but its identity `g`.
 */
export async function countStoredTokens(fixture: OAuthistFixture): Promise<number> {
  const dump = await dumpKeys(fixture.redis, fixture.prefix);
  let tokens = 0;
  for (const [key, content] of dump) {
    // A grant's hash; a user's index of grants (`{user:…}`) holds no token.
    if (!/^[^{]*:\{(?!user:)[^}]+\}$/.test(key)) continue;
    const fields = JSON.parse(content) as Record<string, string> | null;
    tokens += Object.keys(fields ?? {}).filter((field) => field !== 'g').length;
  }
  return tokens;
}
