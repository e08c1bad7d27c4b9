import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { ClientService } from '../../lib';
import type { RegisteredClient } from '../../lib';
import { ADAPTERS, createHttpApp } from '../fixtures/http-app';
import { requestFrom } from '../support/loopback-request';
import { pkcePair } from '../support/pkce';
import {
  connectTestRedis,
  deleteKeys,
  listKeys,
  masterConnections,
  testPrefix,
  testRedisOption,
} from '../support/test-redis';
import type { TestRedis } from '../support/test-redis';

/**
 * What requests from nobody signed in can make Redis hold. Every good authorization request
 * waits in Redis for `pendingAuthorizationTtl` (600 s) whether or not anyone signs in, so one
 * source may start only `pendingAuthorizationsPerSource` (60) per that time; the one after is
 * sent back to the client with `temporarily_unavailable` (RFC 6749 §4.1.2.1). Measured with
 * the attack that found it: 300 requests with a 1 KB `state`.
 */

const REQUESTS = 300;
const PER_SOURCE = 60;
const STATE = 'x'.repeat(1024);
const CALLBACK = 'https://spa.example/cb';

describe.each(ADAPTERS)(
  'unauthenticated requests to the authorization endpoint (%s)',
  (adapter) => {
    let app: INestApplication;
    let port: number;
    let prefix: string;
    let redis: TestRedis;
    let spa: RegisteredClient;

    beforeAll(async () => {
      prefix = testPrefix();
      app = await createHttpApp(adapter, { redis: testRedisOption(), prefix });
      port = (app.getHttpServer().address() as AddressInfo).port;
      redis = connectTestRedis();
      spa = await app
        .get(ClientService)
        .create({ clientType: 'user-agent', redirectUrls: [CALLBACK] });
    });

    afterAll(async () => {
      await app.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });

    function authorize(from: string, state = STATE): Promise<URL> {
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: spa.id,
        state,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      return requestFrom(from, port, { path: `/oauth/authorize?${query}` }).then((answer) => {
        expect(answer.status).toBe(302);
        return new URL(answer.headers.location as string, 'http://as.example');
      });
    }

    /** Bytes Redis spends on the keys under the prefix (MEMORY USAGE of each). */
    async function bytesHeld(): Promise<{ keys: number; pending: number; bytes: number }> {
      const keys = await listKeys(redis, `${prefix}:*`);
      let bytes = 0;
      for (const node of await masterConnections(redis)) {
        for (const key of keys) {
          const used = (await node.call('MEMORY', 'USAGE', key).catch(() => null)) as number | null;
          bytes += used ?? 0;
        }
      }
      return {
        keys: keys.length,
        pending: keys.filter((key) => key.includes(':pending:')).length,
        bytes,
      };
    }

    it(`keeps at most ${PER_SOURCE} of ${REQUESTS} requests from one source, bounding the bytes`, async () => {
      const before = await bytesHeld();
      const answers: URL[] = [];
      for (let i = 0; i < REQUESTS; i++) answers.push(await authorize('127.0.0.2'));
      const toConsent = answers.filter((url) => url.pathname === '/consent');
      const refused = answers.filter((url) => url.href.startsWith(CALLBACK));
      expect(toConsent).toHaveLength(PER_SOURCE);
      expect(refused).toHaveLength(REQUESTS - PER_SOURCE);
      for (const url of refused) {
        expect(url.searchParams.get('error')).toBe('temporarily_unavailable');
        expect(url.searchParams.get('state')).toBe(STATE);
      }
      const after = await bytesHeld();
      expect(after.pending - before.pending).toBe(PER_SOURCE);
      // Each waiting request holds its parameters and little else: about 1.6 KB with this state.
      const perRequest = (after.bytes - before.bytes) / PER_SOURCE;
      expect(perRequest).toBeLessThan(2500);
    });

    it('leaves other sources their own allowance', async () => {
      const url = await authorize('127.0.0.3');
      expect(url.pathname).toBe('/consent');
    });

    it('counts every address of one IPv4 source together, but each source apart', async () => {
      for (let i = 0; i < PER_SOURCE; i++)
        expect((await authorize('127.0.0.4', 's')).pathname).toBe('/consent');
      expect((await authorize('127.0.0.4', 's')).searchParams.get('error')).toBe(
        'temporarily_unavailable',
      );
      expect((await authorize('127.0.0.5', 's')).pathname).toBe('/consent');
    });
  },
);
