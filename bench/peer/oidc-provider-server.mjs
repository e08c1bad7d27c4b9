// The benchmark's second peer: node-oidc-provider 8 (the certified OpenID provider most Node
// teams know) with a Redis adapter written to its adapter interface, as its documentation has
// one written, and a protected route on Koa that checks a bearer token as a resource server
// inside the provider's process would: `provider.AccessToken.find()`, then the scope.
//
// Run as `node bench/peer/oidc-provider-server.mjs <redis url>`; ESM, as node-oidc-provider
// is, so it runs as a process of its own. It issues one access token, listens on a free
// loopback port and prints `{ "url", "token" }` as one JSON line on stdout.
import Koa from 'koa';
import { Redis } from 'ioredis';
import Provider from 'oidc-provider';

const redis = new Redis(process.argv[2], { commandTimeout: 2000, maxRetriesPerRequest: 1 });

/** The models that belong to a grant, so that revoking the grant can find them. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode']);

/** One model's records as JSON strings with their expiry, and a list of keys per grant. */
class RedisAdapter {
  constructor(name) {
    this.name = name;
  }

  key(id) {
    return `oidc:${this.name}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const transaction = redis.multi();
    if (expiresIn) transaction.set(key, JSON.stringify(payload), 'EX', expiresIn);
    else transaction.set(key, JSON.stringify(payload));
    if (GRANTABLE.has(this.name) && payload.grantId) {
      const grant = `oidc:grant:${payload.grantId}`;
      transaction.rpush(grant, key);
      if (expiresIn) transaction.expire(grant, expiresIn);
    }
    await transaction.exec();
  }

  async find(id) {
    const data = await redis.get(this.key(id));
    return data === null ? undefined : JSON.parse(data);
  }

  async findByUid() {
    return undefined;
  }

  async findByUserCode() {
    return undefined;
  }

  async consume(id) {
    await redis.del(this.key(id));
  }

  async destroy(id) {
    await redis.del(this.key(id));
  }

  async revokeByGrantId(grantId) {
    const keys = await redis.lrange(`oidc:grant:${grantId}`, 0, -1);
    if (keys.length > 0) await redis.del(...keys);
  }
}

const provider = new Provider('http://127.0.0.1', {
  adapter: RedisAdapter,
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret-of-the-peer',
      redirect_uris: ['http://127.0.0.1:8080/cb'],
    },
  ],
  scopes: ['profile'],
  ttl: { AccessToken: 3600 },
});
const client = await provider.Client.find('bench');
const token = await new provider.AccessToken({
  accountId: 'c0ffee00-0000-4000-8000-000000000000',
  client,
  scope: 'profile',
  grantId: 'bench-grant',
  gty: 'authorization_code',
}).save();

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path !== '/bench/guarded') {
    ctx.status = 404;
    return;
  }
  const match = /^Bearer ([\w.~+/-]+=*)$/.exec(ctx.get('authorization'));
  const found = match ? await provider.AccessToken.find(match[1]) : undefined;
  if (!found || found.isExpired || !found.scopes.has('profile')) {
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    ctx.body = { error: 'invalid_token' };
    return;
  }
  ctx.body = { user: found.accountId };
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${port}/bench/guarded`, token })}\n`,
  );
});
