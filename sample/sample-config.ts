/** The sample's settings, read from the environment as ../README.md and the contract describe. */
export interface SampleConfig {
  readonly host: string;
  readonly port: number;
  readonly prefix: string;
  readonly issuer: string;
  /** Empty: any scope is accepted. */
  readonly scopes: readonly string[];
  readonly authorizationCodeTtl: number;
  /** `null`: tokens never expire. */
  readonly accessTokenTtl: number | null;
  /** Lifetime of a refresh-token family, seconds; `null`: no refresh tokens. */
  readonly refreshTokenTtl: number | null;
  /** Seconds after a rotation in which the previous refresh token still works. */
  readonly refreshReuseGrace: number;
  /** name → password */
  readonly users: ReadonlyMap<string, string>;
  readonly redisUrl: string | undefined;
  readonly redisClusterNodes: readonly { host: string; port: number }[] | undefined;
  /**
   * Express' `trust proxy`: which proxies in front may tell the client's address and scheme
   * (X-Forwarded-For, X-Forwarded-Proto). `false`: none, the socket's peer is the client.
   */
  readonly trustProxy: boolean | number | string;
  /** `OAUTHIST_CIMD_ALLOW_LOOPBACK=1`: client metadata documents may be loopback `http` URLs. */
  readonly cimdAllowLoopback: boolean;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number >= 0, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function users(raw: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of raw.split(',').filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0)
      throw new Error(`SAMPLE_USERS entries are name:password, got ${JSON.stringify(entry)}`);
    map.set(entry.slice(0, colon), entry.slice(colon + 1));
  }
  return map;
}

function clusterNodes(raw: string | undefined): { host: string; port: number }[] | undefined {
  if (!raw) return undefined;
  return raw.split(',').map((node) => {
    const colon = node.lastIndexOf(':');
    const port = Number(node.slice(colon + 1));
    if (colon <= 0 || !Number.isSafeInteger(port)) {
      throw new Error(`REDIS_CLUSTER_NODES entries are host:port, got ${JSON.stringify(node)}`);
    }
    return { host: node.slice(0, colon), port };
  });
}

/** TRUST_PROXY as Express takes it: true, false, a hop count, or addresses and subnets. */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[\w.:/, -]+$/.test(raw)) {
    throw new Error(
      `TRUST_PROXY is true, false, a hop count, or addresses and subnets, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

export function readSampleConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const host = env.HOST || '127.0.0.1';
  const port = whole(env, 'PORT', 3000);
  const accessTokenTtl = whole(env, 'OAUTHIST_ACCESS_TOKEN_TTL', 0);
  const refreshTokenTtl = whole(env, 'OAUTHIST_REFRESH_TOKEN_TTL', 0);
  return {
    host,
    port,
    prefix: env.OAUTHIST_PREFIX || 'oauthist',
    issuer: env.OAUTHIST_ISSUER || `http://${host}:${port}`,
    scopes: (env.OAUTHIST_SCOPES ?? 'profile email admin').split(/\s+/).filter(Boolean),
    authorizationCodeTtl: whole(env, 'OAUTHIST_CODE_TTL', 3600),
    accessTokenTtl: accessTokenTtl === 0 ? null : accessTokenTtl,
    refreshTokenTtl: refreshTokenTtl === 0 ? null : refreshTokenTtl,
    refreshReuseGrace: whole(env, 'OAUTHIST_REFRESH_REUSE_GRACE', 0),
    users: users(env.SAMPLE_USERS ?? 'demo:demo'),
    redisUrl: env.REDIS_URL || undefined,
    redisClusterNodes: clusterNodes(env.REDIS_CLUSTER_NODES),
    trustProxy: trustProxy(env.TRUST_PROXY),
    cimdAllowLoopback: env.OAUTHIST_CIMD_ALLOW_LOOPBACK === '1',
  };
}
