import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';
import {
  ClientService,
  GrantService,
  IssuedAccessToken,
  OAuthistModule,
  OAuthistModuleOptions,
  TokenService,
} from '../../lib';
import { openConnection } from './redis';

/** The scopes every oauthist instance of the benchmark allows; tokens are issued for `profile`. */
export const SCOPES = ['profile', 'email', 'admin'];
export const SCOPE = 'profile';
/** The key prefix of every oauthist instance of the benchmark: they share their data. */
export const PREFIX = 'oauthist';
export const REDIRECT_URI = 'http://127.0.0.1:8080/cb';
/** The resource that audience-bound tokens are issued for, as an MCP server's would be. */
export const RESOURCE = 'https://bench.example/mcp';

/**
 * The module options of every oauthist instance of the benchmark: the defaults, plus scopes
 * and one resource (which changes nothing for tokens issued without an audience).
 */
export function oauthistOptions(redis: Redis): OAuthistModuleOptions {
  return { redis, prefix: PREFIX, scopes: SCOPES, resources: [RESOURCE] };
}

/** What an instance may set beyond the benchmark's defaults. */
export type ExtraOptions = Omit<OAuthistModuleOptions, 'redis' | 'prefix' | 'scopes'>;

/**
 * Access tokens that expire, as a server that issues refresh tokens has them (a refresh token
 * is there to replace them): an hour. The grants measured with and without refresh tokens both
 * take it, so that their access tokens are stored alike.
 */
export const EXPIRING_ACCESS_TOKENS: ExtraOptions = { accessTokenTtl: 3600 };

/**
 * Refresh tokens on with the defaults (every client's token rotates, no retry window); a family
 * lives 30 days, far past any run, so none ends while it is measured.
 */
export const REFRESH_TOKENS: ExtraOptions = {
  ...EXPIRING_ACCESS_TOKENS,
  refreshTokens: { ttl: 30 * 86400 },
};

/** The token cache on, large enough for every token a measurement rotates over. */
export const TOKEN_CACHE: ExtraOptions = { tokenCache: { maxEntries: 100_000 } };

/** A web (confidential) client, as registered through ClientService. */
export interface BenchClient {
  readonly id: string;
  readonly secret: string;
  /** `Basic ...` for its HTTP Basic authentication (RFC 6749 §2.3.1). */
  readonly basic: string;
}

export async function registerClient(clients: ClientService): Promise<BenchClient> {
  const client = await clients.create({
    clientType: 'web',
    redirectUrls: [REDIRECT_URI],
    attributes: { name: 'bench' },
  });
  const secret = client.secret as string;
  const basic = `Basic ${Buffer.from(
    `${encodeURIComponent(client.id)}:${encodeURIComponent(secret)}`,
  ).toString('base64')}`;
  return { id: client.id, secret, basic };
}

/** A user id as an application typically has one: a UUID (36 characters). */
export function newUserId(): string {
  return randomUUID();
}

/** oauthist in a Nest application context (no HTTP), on its own connection. */
export interface OauthistInstance {
  readonly app: INestApplicationContext;
  /** The ioredis connection oauthist runs on, handed to it as an instance (so it stays ours). */
  readonly redis: Redis;
  readonly tokens: TokenService;
  readonly grants: GrantService;
  readonly clients: ClientService;
  readonly client: BenchClient;
  /** Issues a `profile` token to the bench client for a fresh user, as a code exchange would. */
  issueUserToken(userId?: string): Promise<IssuedAccessToken>;
  /** The same, bound to `RESOURCE` (RFC 8707), as a token for an MCP server is. */
  issueResourceToken(): Promise<IssuedAccessToken>;
  close(): Promise<void>;
}

export async function startOauthist(
  url: string,
  extra: ExtraOptions = {},
): Promise<OauthistInstance> {
  const redis = await openConnection(url);
  @Module({ imports: [OAuthistModule.forRoot({ ...oauthistOptions(redis), ...extra })] })
  class BenchContextModule {}
  const app = await NestFactory.createApplicationContext(BenchContextModule, { logger: false });
  const tokens = app.get(TokenService);
  const grants = app.get(GrantService);
  const clients = app.get(ClientService);
  const client = await registerClient(clients);
  return {
    app,
    redis,
    tokens,
    grants,
    clients,
    client,
    issueUserToken: (userId = newUserId()) =>
      tokens.issueAccessToken({ clientId: client.id, scopes: [SCOPE], extras: { userId } }),
    issueResourceToken: () =>
      tokens.issueAccessToken({
        clientId: client.id,
        scopes: [SCOPE],
        extras: { userId: newUserId() },
        audience: [RESOURCE],
      }),
    close: async () => {
      await app.close();
      await redis.quit();
    },
  };
}
