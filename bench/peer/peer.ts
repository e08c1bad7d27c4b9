import OAuth2Server from '@node-oauth/oauth2-server';
import type {
  Client,
  ClientCredentialsModel,
  Falsey,
  Token,
  User,
} from '@node-oauth/oauth2-server';
import type { Redis } from 'ioredis';

const { Request, Response } = OAuth2Server;

/**
 * A Redis model for @node-oauth/oauth2-server 5, written the way its documentation and its
 * Redis example show it: a token is a hash `tokens:<token>` written with HMSET and read with
 * HGETALL, a client is a hash `clients:<id>`; getUserFromClient() and the scope checks need no
 * Redis. It is the lean version of the documented model: getAccessToken() builds the client and
 * user from the token's own fields instead of loading them, so the peer is not handicapped.
 */
export class PeerRedisModel implements ClientCredentialsModel {
  constructor(
    private readonly redis: Redis,
    private readonly allowedScopes: readonly string[],
  ) {}

  async getAccessToken(accessToken: string): Promise<Token | Falsey> {
    const token = await this.redis.hgetall(`tokens:${accessToken}`);
    if (!token.accessToken) return null;
    return {
      accessToken: token.accessToken,
      accessTokenExpiresAt: new Date(token.accessTokenExpiresAt),
      scope: token.scope ? token.scope.split(' ') : [],
      client: { id: token.clientId, grants: [] },
      user: { id: token.userId },
    };
  }

  async getClient(clientId: string, clientSecret: string | null): Promise<Client | Falsey> {
    const client = await this.redis.hgetall(`clients:${clientId}`);
    if (!client.clientId) return null;
    if (clientSecret !== null && client.clientSecret !== clientSecret) return null;
    return { id: client.clientId, grants: client.grants.split(' '), redirectUris: [] };
  }

  async getUserFromClient(client: Client): Promise<User | Falsey> {
    return { id: client.id };
  }

  async saveToken(token: Token, client: Client, user: User): Promise<Token | Falsey> {
    await this.redis.hmset(`tokens:${token.accessToken}`, {
      accessToken: token.accessToken,
      accessTokenExpiresAt: (token.accessTokenExpiresAt as Date).toISOString(),
      scope: (token.scope ?? []).join(' '),
      clientId: client.id,
      userId: String(user.id),
    });
    return { ...token, client, user };
  }

  async validateScope(_user: User, _client: Client, scope?: string[]): Promise<string[] | Falsey> {
    const wanted = scope ?? [];
    return wanted.every((name) => this.allowedScopes.includes(name)) ? wanted : false;
  }

  async verifyScope(token: Token, scope: string[]): Promise<boolean> {
    const granted = token.scope ?? [];
    return scope.some((name) => granted.includes(name));
  }

  /** Registers a confidential client allowed the client credentials grant. */
  async createClient(clientId: string, clientSecret: string): Promise<void> {
    await this.redis.hmset(`clients:${clientId}`, {
      clientId,
      clientSecret,
      grants: 'client_credentials',
    });
  }
}

/** The peer server, driven in-process the way its framework adapters drive it. */
export class Peer {
  readonly server: OAuth2Server;

  constructor(readonly model: PeerRedisModel) {
    this.server = new OAuth2Server({ model });
  }

  /** authenticate() of a request bearing `token` and asking for `scope`. */
  async verify(token: string, scope: string): Promise<Token> {
    const request = new Request({
      method: 'GET',
      query: {},
      headers: { authorization: `Bearer ${token}` },
    });
    return this.server.authenticate(request, new Response({ headers: {} }), { scope: [scope] });
  }

  /** token() of a client credentials request, HTTP Basic. */
  async clientCredentials(basic: string, scope: string): Promise<Token> {
    const body = `grant_type=client_credentials&scope=${scope}`;
    const request = new Request({
      method: 'POST',
      query: {},
      headers: {
        authorization: basic,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
      body: { grant_type: 'client_credentials', scope },
    });
    return this.server.token(request, new Response({ headers: {} }));
  }

  /** A token for a user, stored through the model's own saveToken(), for verification runs. */
  async saveUserToken(
    accessToken: string,
    clientId: string,
    userId: string,
    scope: string,
  ): Promise<void> {
    await this.model.saveToken(
      {
        accessToken,
        accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
        scope: [scope],
        client: { id: clientId, grants: [] },
        user: { id: userId },
      },
      { id: clientId, grants: ['client_credentials'] },
      { id: userId },
    );
  }
}
