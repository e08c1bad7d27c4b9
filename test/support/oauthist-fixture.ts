import { Test, TestingModule } from '@nestjs/testing';
import { OAuthistModule } from '../../lib';
import type { ModuleOptions } from './module-options';
import { connectTestRedis, deleteKeys, testPrefix, testRedisOption } from './test-redis';
import type { TestRedis } from './test-redis';

/** A module compiled against the test Redis (or cluster) under a prefix of its own. */
export interface OAuthistFixture {
  readonly module: TestingModule;
  readonly prefix: string;
  /** A separate connection for looking at what oauthist wrote (a `Cluster` on the cluster). */
  readonly redis: TestRedis;
  /** Deletes the fixture's keys and closes everything it opened. */
  close(): Promise<void>;
}

export async function createOAuthistFixture(
  options: Partial<ModuleOptions> = {},
): Promise<OAuthistFixture> {
  const prefix = testPrefix();
  const module = await Test.createTestingModule({
    imports: [OAuthistModule.forRoot({ redis: testRedisOption(), prefix, ...options })],
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
