import { Test, TestingModule } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import { OAuthistModule, OAuthistModuleOptions } from '../../lib';
import { connectTestRedis, deleteKeys, testPrefix, testRedisUrl } from './test-redis';

/** A module compiled against the test Redis under a prefix of its own. */
export interface OAuthistFixture {
  readonly module: TestingModule;
  readonly prefix: string;
  /** A separate connection for looking at what oauthist wrote. */
  readonly redis: Redis;
  /** Deletes the fixture's keys and closes everything it opened. */
  close(): Promise<void>;
}

export async function createOAuthistFixture(
  options: Partial<OAuthistModuleOptions> = {},
): Promise<OAuthistFixture> {
  const prefix = testPrefix();
  const module = await Test.createTestingModule({
    imports: [OAuthistModule.forRoot({ redis: testRedisUrl(), prefix, ...options })],
  }).compile();
  await module.init();
  const redis = connectTestRedis();
  return {
    module,
    prefix,
    redis,
    close: async () => {
      await deleteKeys(redis, prefix);
      await module.close();
      redis.disconnect();
    },
  };
}
