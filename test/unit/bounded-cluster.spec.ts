import { readFileSync } from 'node:fs';
import { Cluster } from 'ioredis';
import { IOREDIS_CHECKED } from '../../lib/redis/bounded-cluster';

function parts(version: string): number[] {
  return version.split(/[.-]/).slice(0, 3).map(Number);
}

function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

// BoundedCluster overrides internals of ioredis' Cluster: on another version they may have
// moved, and the overrides would then do nothing, or break the Cluster, without a word.
describe('the ioredis that BoundedCluster overrides', () => {
  it('is a version its overrides were checked on', () => {
    const manifest = require.resolve('ioredis/package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    const { checkedFrom, checkedBelow } = IOREDIS_CHECKED;
    const checked = compare(version, checkedFrom) >= 0 && compare(version, checkedBelow) < 0;
    if (!checked) {
      throw new Error(
        `ioredis ${version} is outside ${checkedFrom} <= v < ${checkedBelow}, the versions ` +
          'lib/redis/bounded-cluster.ts was checked on: read Cluster#sendCommand, ' +
          'Cluster#delayUntilReady and Pipeline#exec of this version, check whether the ' +
          'upstream issues named there are fixed, run test/integration/redis-cluster.spec.ts ' +
          'on the cluster project, then widen IOREDIS_CHECKED.',
      );
    }
  });

  it('still has the internal hook that pipelines wait on', () => {
    expect(typeof (Cluster.prototype as { delayUntilReady?: unknown }).delayUntilReady).toBe(
      'function',
    );
  });
});
