import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { OAuthistModule, TokenService } from '../../lib';
import { InvalidationListener } from '../../lib/redis/invalidation-listener';
import { VerifiedTokenCache } from '../../lib/tokens/verified-token-cache';
import { startRedisServer } from '../support/redis-server';
import { testPrefix } from '../support/test-redis';
import { msUntil, verdict } from '../support/token-cache';

/**
 * The token cache on a redis-server of each test's own, as each changes the whole server: its
 * users, or its data.
 */
describe('the token cache where the server refuses tracking, or is flushed', () => {
  const prefix = testPrefix();

  // The test changes the server's users.
  it('where Redis refuses CLIENT TRACKING (an ACL), it warns and reads Redis every time', async () => {
    const own = await startRedisServer();
    const admin = new Redis(own.url);
    const warnings: string[] = [];
    const warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
    try {
      await admin.call(
        'ACL',
        'SETUSER',
        'limited',
        'on',
        '>secret',
        '~*',
        '&*',
        '+@all',
        '-client|tracking',
      );
      const url = new URL(own.url);
      url.username = 'limited';
      url.password = 'secret';
      const one = await Test.createTestingModule({
        imports: [OAuthistModule.forRoot({ redis: url.toString(), prefix, tokenCache: true })],
      }).compile();
      await one.init();
      try {
        const listener = one.get(InvalidationListener);
        expect(listener.tracking).toBe(false);
        expect(warnings.some((line) => line.includes('CLIENT TRACKING'))).toBe(true);
        const tokens = one.get(TokenService);
        const issued = await tokens.issueAccessToken({ clientId: null, scopes: [] });
        await tokens.verifyAccessToken(issued.accessToken);
        expect(one.get(VerifiedTokenCache).size).toBe(0);
        await tokens.revokeToken(issued.accessToken);
        expect(await verdict(tokens, issued.accessToken)).toBe('revoked');
      } finally {
        await one.close();
      }
    } finally {
      warn.mockRestore();
      admin.disconnect();
      await own.stop();
    }
  });

  // FLUSHALL must not touch other suites' data.
  it('a flushed database empties the cache', async () => {
    const own = await startRedisServer();
    try {
      const one = await Test.createTestingModule({
        imports: [OAuthistModule.forRoot({ redis: own.url, prefix, tokenCache: true })],
      }).compile();
      await one.init();
      try {
        const tokens = one.get(TokenService);
        const issued = await tokens.issueAccessToken({ clientId: null, scopes: [] });
        await tokens.verifyAccessToken(issued.accessToken);
        const cache = one.get(VerifiedTokenCache);
        expect(cache.size).toBe(1);
        const raw = new Redis(own.url);
        await raw.flushall();
        raw.disconnect();
        await msUntil(async () => cache.size === 0);
        expect(await verdict(tokens, issued.accessToken)).toBe('unknown');
      } finally {
        await one.close();
      }
    } finally {
      await own.stop();
    }
  });
});
