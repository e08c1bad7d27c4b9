import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { ClientService } from '../../lib';
import type { RegisteredClient, UserCredentialsVerifier } from '../../lib';
import { ADAPTERS, createHttpApp } from '../fixtures/http-app';
import { basic } from '../support/grants';
import { requestFrom } from '../support/loopback-request';
import { withVerifier } from '../support/module-options';
import { connectTestRedis, deleteKeys, testPrefix, testRedisOption } from '../support/test-redis';

/**
 * Client ids and usernames are public (every authorization URL names its client), so a lockout
 * counted per identifier lets anyone deny service to anyone (RFC 6819 §5.1.4.2.3). Failures are
 * counted per identifier and source address: the attack below comes from 127.0.0.2 and the
 * rightful party from 127.0.0.3, real sockets on the loopback network. A username keeps a
 * ceiling over every source, so guessing its password stays bounded (RFC 6749 §10.10).
 */

const MAX_FAILURES = 3;
const PER_USERNAME = 6;
const ATTACKER = '127.0.0.2';
const RIGHTFUL = '127.0.0.3';

const verifier: UserCredentialsVerifier = {
  verify: (username, password) =>
    password === 'right' ? { userId: username.toLowerCase() } : null,
};

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe.each(ADAPTERS)('an attacker cannot lock out a client or a user (%s)', (adapter) => {
  let app: INestApplication;
  let port: number;
  let prefix: string;
  let clients: ClientService;
  let web: RegisteredClient;
  let spa: RegisteredClient;

  beforeAll(async () => {
    prefix = testPrefix();
    app = await createHttpApp(adapter, {
      redis: testRedisOption(),
      prefix,
      bruteForce: { maxFailures: MAX_FAILURES, maxFailuresPerUsername: PER_USERNAME },
      ...withVerifier(verifier),
    });
    port = (app.getHttpServer().address() as AddressInfo).port;
    clients = app.get(ClientService);
    spa = await clients.create({
      clientType: 'user-agent',
      redirectUrls: ['https://spa.example/cb'],
    });
  });

  beforeEach(async () => {
    web = await clients.create({ clientType: 'web', redirectUrls: ['https://web.example/cb'] });
  });

  afterAll(async () => {
    await app.close();
    const redis = connectTestRedis();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  /** POSTs a form to the token endpoint from `from`, a loopback address of this machine. */
  async function token(
    from: string,
    form: Record<string, string>,
    authorization?: string,
  ): Promise<Answer> {
    const answer = await requestFrom(from, port, {
      method: 'POST',
      path: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });
    return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
  }

  const clientCredentials = (from: string, secret: string): Promise<Answer> =>
    token(from, { grant_type: 'client_credentials' }, basic(web.id, secret));

  const password = (from: string, username: string, guess: string): Promise<Answer> =>
    token(from, { grant_type: 'password', client_id: spa.id, username, password: guess });

  it("locks the attacker's address out of the client, not the client itself", async () => {
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect((await clientCredentials(ATTACKER, 'guess')).status).toBe(401);
    }
    // Over the limit, the attacker is refused even with the right secret...
    expect(await clientCredentials(ATTACKER, web.secret as string)).toMatchObject({
      status: 429,
      body: { error: 'invalid_client' },
    });
    // ...while the client, elsewhere, gets its token.
    expect(await clientCredentials(RIGHTFUL, web.secret as string)).toMatchObject({
      status: 200,
      body: { token_type: 'Bearer' },
    });
  });

  it('has no ceiling for a client id across addresses: its secret has 256 bits', async () => {
    for (const from of ['127.0.0.4', '127.0.0.5', '127.0.0.6']) {
      for (let i = 0; i < MAX_FAILURES; i++) {
        expect((await clientCredentials(from, 'guess')).status).toBe(401);
      }
    }
    expect((await clientCredentials(RIGHTFUL, web.secret as string)).status).toBe(200);
  });

  it("locks the attacker's address out of a username, however spelt, not the user", async () => {
    for (const spelling of ['bob', 'BOB', '\uff42\uff4f\uff42']) {
      expect((await password(ATTACKER, spelling, 'guess')).status).toBe(400);
    }
    expect(await password(ATTACKER, 'bob', 'right')).toMatchObject({
      status: 429,
      body: { error: 'invalid_grant' },
    });
    expect(await password(RIGHTFUL, 'bob', 'right')).toMatchObject({
      status: 200,
      body: { token_type: 'Bearer' },
    });
  });

  it("bounds the guessing of a user's password from many addresses (RFC 6749 §10.10)", async () => {
    const username = `carol-${adapter}`;
    const guessers = ['127.0.0.7', '127.0.0.8', '127.0.0.9'];
    let answered = 0;
    for (const from of guessers) {
      for (let i = 0; i < MAX_FAILURES; i++) {
        if ((await password(from, username, `guess-${from}-${i}`)).status === 400) answered++;
      }
    }
    // Past the ceiling, every address waits, the rightful one too: the price of the bound.
    expect(answered).toBe(PER_USERNAME);
    expect((await password(RIGHTFUL, username, 'guess')).status).toBe(429);
  });

  it('keeps letting the user in from where they signed in before, once others fill the ceiling', async () => {
    const username = `dora-${adapter}`;
    // Signed in from RIGHTFUL a while ago: that address is known for the username.
    expect((await password(RIGHTFUL, username, 'right')).status).toBe(200);
    for (const from of ['127.0.0.10', '127.0.0.11', '127.0.0.12']) {
      for (let i = 0; i < MAX_FAILURES; i++) await password(from, username, `guess-${i}`);
    }
    // The ceiling is full: a new address waits, the known one does not.
    expect((await password('127.0.0.13', username, 'right')).status).toBe(429);
    expect((await password(RIGHTFUL, username, 'right')).status).toBe(200);
  });
});
