import { Cluster, Redis } from 'ioredis';
import { OAuthistConfigurationError } from '../errors';
import type {
  IntrospectionPolicy,
  OAuthistModuleOptions,
  OAuthistRedisClusterOptions,
} from '../interfaces';
import { resolveBruteForce } from './brute-force-limits';
import { resolveCachePolicy } from './cache-policy';
import { resolveDynamicRegistration } from './dynamic-registration-policy';
import { resolveClientMetadataDocuments } from './client-metadata-document-policy';
import { resolveRefreshTokens } from './refresh-token-policy';
import { ResourceIndicators } from '../resources/resource-indicators';
import type { ResolvedOAuthistOptions } from './resolved-options';
import { SCOPE_TOKEN } from '../protocol/scope';

// Braces would turn part of the prefix into a Redis Cluster hash tag and put every key in one slot.
const PREFIX = /^[^{}\s]{1,64}$/;

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new OAuthistConfigurationError(name, `expected a whole number > 0, got ${String(value)}`);
  }
  return value;
}

/**
 * RFC 7662 §4: a token's own client may read what it holds, and a resource server the tokens
 * presented to it; any other client learns nothing, not even whether the token is live.
 */
const defaultIntrospectionPolicy: IntrospectionPolicy = (caller, token) =>
  caller.resourceServer || caller.id === token.clientId;

function introspectionPolicy(value: unknown): IntrospectionPolicy {
  if (value === undefined) return defaultIntrospectionPolicy;
  if (typeof value !== 'function') {
    throw new OAuthistConfigurationError(
      'introspectionPolicy',
      'expected a function (caller, token) => boolean',
    );
  }
  return value as IntrospectionPolicy;
}

const CLUSTER_KEYS = new Set(['clusterNodes', 'clusterOptions']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function resolveCluster(value: Record<string, unknown>): OAuthistRedisClusterOptions {
  // A misspelt key next to clusterNodes would otherwise be dropped without a word.
  for (const key of Object.keys(value)) {
    if (!CLUSTER_KEYS.has(key)) {
      throw new OAuthistConfigurationError(
        `redis.${key}`,
        'unknown key beside clusterNodes (expected clusterNodes and clusterOptions only)',
      );
    }
  }
  const nodes = value.clusterNodes;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new OAuthistConfigurationError(
      'redis.clusterNodes',
      'expected a non-empty array of { host, port }',
    );
  }
  nodes.forEach((node: unknown, i) => {
    const { host, port } = (isPlainObject(node) ? node : {}) as Record<string, unknown>;
    if (
      typeof host !== 'string' ||
      host.length === 0 ||
      typeof port !== 'number' ||
      !Number.isInteger(port) ||
      port < 1 ||
      port > 65535
    ) {
      throw new OAuthistConfigurationError(
        'redis.clusterNodes',
        `entry ${i} must be { host: string, port: 1..65535 }, got ${JSON.stringify(node)}`,
      );
    }
  });
  if (value.clusterOptions !== undefined && !isPlainObject(value.clusterOptions)) {
    throw new OAuthistConfigurationError(
      'redis.clusterOptions',
      'expected an object of ioredis ClusterOptions',
    );
  }
  return value as unknown as OAuthistRedisClusterOptions;
}

function resolveRedis(value: unknown): OAuthistModuleOptions['redis'] {
  if (value instanceof Redis || value instanceof Cluster) return value;
  if (value !== null && typeof value === 'object' && 'clusterNodes' in value) {
    return resolveCluster(value as Record<string, unknown>);
  }
  if (typeof value === 'string') {
    if (!/^(rediss?:\/\/|\/)/.test(value)) {
      throw new OAuthistConfigurationError(
        'redis',
        'a string must be a redis:// or rediss:// URL or a unix socket path',
      );
    }
    return value;
  }
  if (value !== null && typeof value === 'object') return value as OAuthistModuleOptions['redis'];
  throw new OAuthistConfigurationError(
    'redis',
    'expected an ioredis Redis or Cluster, RedisOptions, { clusterNodes } or a URL',
  );
}

function issuer(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : '';
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  // RFC 8414 §2 asks for https; plain http is left to the deployment (a local sample, a proxy).
  if (url === null || !['https:', 'http:'].includes(url.protocol) || /[?#]/.test(text)) {
    throw new OAuthistConfigurationError(
      'issuer',
      'expected an http(s) URL without query or fragment (RFC 8414 §2)',
    );
  }
  return text.replace(/\/+$/, '');
}

function consentUrl(value: unknown): string {
  if (value === undefined) return '/consent';
  if (typeof value !== 'string' || !/^(\/(?!\/)|https?:\/\/)/.test(value) || value.includes('#')) {
    throw new OAuthistConfigurationError(
      'consentUrl',
      'expected a path starting with / or an http(s) URL, without fragment',
    );
  }
  return value;
}

function realm(value: unknown): string {
  if (value === undefined) return 'oauthist';
  // The realm is a quoted-string in WWW-Authenticate: no quotes, backslashes or control characters.
  if (typeof value !== 'string' || !/^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/.test(value)) {
    throw new OAuthistConfigurationError(
      'realm',
      'expected 1 to 128 printable ASCII characters without " or \\',
    );
  }
  return value;
}

function flag(name: string, value: unknown, fallback = false): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new OAuthistConfigurationError(name, `expected true or false, got ${String(value)}`);
  return value;
}

/** Validates the options a user gave and fills in the defaults; throws naming the first bad option. */
export function resolveOptions(
  options: OAuthistModuleOptions | undefined,
): ResolvedOAuthistOptions {
  if (options === null || typeof options !== 'object') {
    throw new OAuthistConfigurationError('options', 'expected an object');
  }
  if ('passwordVerifier' in options) {
    throw new OAuthistConfigurationError(
      'passwordVerifier',
      'no longer an option: give the module a UserCredentialsVerifier through extraProviders',
    );
  }
  if ('userIdExtra' in options) {
    throw new OAuthistConfigurationError(
      'userIdExtra',
      "no longer an option: the user who grants is userId (or the manual's user_id) in the extras",
    );
  }
  const prefix = options.prefix ?? 'oauthist';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new OAuthistConfigurationError(
      'prefix',
      'expected 1 to 64 characters without braces or spaces',
    );
  }
  let scopes: Set<string> | null = null;
  if (options.scopes !== undefined) {
    if (!Array.isArray(options.scopes)) {
      throw new OAuthistConfigurationError('scopes', 'expected an array of scope names');
    }
    for (const scope of options.scopes as unknown[]) {
      if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
        throw new OAuthistConfigurationError(
          'scopes',
          `${JSON.stringify(scope)} is not a valid scope (RFC 6749 §3.3)`,
        );
      }
    }
    scopes = new Set(options.scopes);
  }
  const accessTokenTtl =
    options.accessTokenTtl === null || options.accessTokenTtl === undefined
      ? null
      : positiveInteger('accessTokenTtl', options.accessTokenTtl, 0);
  return {
    redis: resolveRedis(options.redis),
    prefix,
    scopes,
    authorizationCodeTtl: positiveInteger(
      'authorizationCodeTtl',
      options.authorizationCodeTtl,
      3600,
    ),
    pendingAuthorizationTtl: positiveInteger(
      'pendingAuthorizationTtl',
      options.pendingAuthorizationTtl,
      600,
    ),
    pendingAuthorizationsPerSource:
      options.pendingAuthorizationsPerSource === false
        ? null
        : positiveInteger(
            'pendingAuthorizationsPerSource',
            options.pendingAuthorizationsPerSource,
            60,
          ),
    accessTokenTtl,
    refreshTokens: resolveRefreshTokens(options.refreshTokens),
    resources: ResourceIndicators.resolve(
      options.resources,
      options.defaultResources,
      issuer(options.issuer),
    ),
    introspectionPolicy: introspectionPolicy(options.introspectionPolicy),
    implicitGrant: flag('implicitGrant', options.implicitGrant),
    rememberConsent: flag('rememberConsent', options.rememberConsent),
    passwordGrantWithoutClient: flag(
      'passwordGrantWithoutClient',
      options.passwordGrantWithoutClient,
    ),
    allowPlainPkce: flag('allowPlainPkce', options.allowPlainPkce),
    issuer: issuer(options.issuer),
    consentUrl: consentUrl(options.consentUrl),
    bearerTokenInBody: flag('bearerTokenInBody', options.bearerTokenInBody, true),
    bearerTokenInQuery: flag('bearerTokenInQuery', options.bearerTokenInQuery),
    realm: realm(options.realm),
    commandTimeout: positiveInteger('commandTimeout', options.commandTimeout, 2000),
    bruteForce: resolveBruteForce(options.bruteForce),
    clientCache: resolveCachePolicy('clientCache', options.clientCache, true),
    tokenCache: resolveCachePolicy('tokenCache', options.tokenCache, false),
    dynamicRegistration: resolveDynamicRegistration(options.dynamicRegistration, scopes),
    clientMetadataDocuments: resolveClientMetadataDocuments(options.clientMetadataDocuments),
  };
}
