import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ClientService } from '../../lib';
import type { OAuthistRoutes, RegisteredClient } from '../../lib';
import { Adapter, createHttpApp } from '../fixtures/http-app';
import { basic } from './grants';
import { expectTokenSuccess, headerOf } from './rfc-assertions';
import { connectTestRedis, deleteKeys, testPrefix, testRedisOption } from './test-redis';
import type { ModuleOptions } from './module-options';

/** An app of the HTTP fixture on the test Redis (or cluster), under a key prefix of its own. */
export interface E2eApp {
  readonly app: INestApplication;
  readonly server: Server;
  readonly prefix: string;
  readonly clients: ClientService;
  /** Closes the app, then deletes its keys. */
  close(): Promise<void>;
}

export async function startE2eApp(
  adapter: Adapter,
  options: Omit<ModuleOptions, 'redis'> = {},
  routes?: OAuthistRoutes,
): Promise<E2eApp> {
  const prefix = testPrefix();
  const app = await createHttpApp(
    adapter,
    { ...options, redis: testRedisOption(), prefix },
    routes,
  );
  return {
    app,
    server: app.getHttpServer() as Server,
    prefix,
    clients: app.get(ClientService),
    close: async () => {
      await app.close();
      const redis = connectTestRedis();
      try {
        await deleteKeys(redis, prefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** The secret of a confidential client, which only registration shows. */
export function secretOf(client: RegisteredClient): string {
  if (client.secret === undefined) throw new Error(`client ${client.id} has no secret`);
  return client.secret;
}

/** The HTTP Basic credentials of a confidential client (RFC 6749 §2.3.1). */
export function basicOf(client: RegisteredClient): string {
  return basic(client.id, secretOf(client));
}

/** The `request_id` of a redirect to the consent page. */
export function requestIdOf(location: string): string {
  const id = new URL(location, 'http://consent.invalid').searchParams.get('request_id');
  if (!id) throw new Error(`no request_id in ${location}`);
  return id;
}

/** The Location header of a redirect, failing unless the response is one. */
export function locationOf(response: request.Response): string {
  expect(response.status).toBe(302);
  const location = headerOf(response, 'Location');
  if (location === undefined) throw new Error('the redirect has no Location');
  return location;
}

/**
 * Runs a good authorization request through the fixture's consent page, as a browser would:
 * the endpoint (by GET unless `method` says POST) sends it to the consent page, where `user`
 * answers `decision`. Returns the consent page's redirect back to the client.
 */
export async function authorizeThroughConsent(
  server: Server,
  parameters: Record<string, string>,
  consent: { user?: string; decision?: 'allow' | 'deny'; method?: 'GET' | 'POST' } = {},
): Promise<request.Response> {
  const authorization =
    consent.method === 'POST'
      ? await request(server).post('/oauth/authorize').type('form').send(parameters)
      : await request(server).get('/oauth/authorize').query(parameters);
  const requestId = requestIdOf(locationOf(authorization));
  return request(server)
    .get('/consent')
    .query({
      request_id: requestId,
      user: consent.user ?? 'alice',
      decision: consent.decision ?? 'allow',
    });
}

/** An authorization code that `user` granted through the consent page. */
export async function codeThroughConsent(
  server: Server,
  parameters: Record<string, string>,
  user = 'alice',
): Promise<string> {
  const answer = await authorizeThroughConsent(server, parameters, { user });
  const code = new URL(locationOf(answer)).searchParams.get('code');
  if (!code) throw new Error(`no code in ${locationOf(answer)}`);
  return code;
}

/**
 * A client credentials token (RFC 6749 §4.4) of a confidential client; `expiresIn` is what the
 * app's `accessTokenTtl` makes it.
 */
export async function clientCredentialsToken(
  server: Server,
  client: RegisteredClient,
  scope?: string,
  expiresIn?: number,
): Promise<string> {
  const response = await request(server)
    .post('/oauth/token')
    .set('Authorization', basicOf(client))
    .type('form')
    .send({ grant_type: 'client_credentials', ...(scope === undefined ? {} : { scope }) });
  return expectTokenSuccess(response, { scope, expiresIn }).access_token;
}
