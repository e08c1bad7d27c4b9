import { CommanderError } from 'commander';
import { ClientService, OAuthError, TokenService } from '../../lib';
import { cliProgram } from '../../sample/cli/cli-program';
import { createOAuthistFixture, OAuthistFixture } from '../support/oauthist-fixture';

type Printed = Record<string, unknown>;

/** The client CLI's attributes never pass for a client's own fields (contract: client CLI). */
describe('client CLI: attributes beside the fields', () => {
  let fixture: OAuthistFixture;
  let clients: ClientService;

  beforeAll(async () => {
    fixture = await createOAuthistFixture();
    clients = fixture.module.get(ClientService);
  });
  afterAll(() => fixture.close());

  /** Runs one CLI command; resolves to what it printed, rejects with what it threw. */
  async function run(...args: string[]): Promise<unknown> {
    const printed: unknown[] = [];
    const program = cliProgram(clients, fixture.module.get(TokenService), (value) =>
      printed.push(value),
    );
    await program.parseAsync(args, { from: 'user' });
    expect(printed).toHaveLength(1);
    return printed[0];
  }

  const create = ['client', 'create', '--type', 'web', '--redirect-url', 'https://app.example/cb'];

  it.each([
    'client_id',
    'client_secret',
    'client_type',
    'redirect_urls',
    'scopes',
    'resource_server',
  ])('refuses --attr %s=... as a usage error, creating nothing', async (name) => {
    const before = await clients.count();
    const refused = await run(...create, '--attr', `${name}=SPOOFED`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CommanderError);
    expect((refused as CommanderError).code).toBe('commander.invalidArgument');
    expect((refused as CommanderError).message).toContain(`${name} is a field of every client`);
    expect(await clients.count()).toBe(before);
  });

  it('refuses the same names when listing by attribute', async () => {
    const refused = await run('client', 'list', '--attr', 'client_type=native').catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(CommanderError);
  });

  it('refuses __proto__ with a clear error instead of dropping it', async () => {
    const before = await clients.count();
    const refused = await run(...create, '--attr', '__proto__=x').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OAuthError);
    expect((refused as OAuthError).description).toBe("attribute name '__proto__' is reserved");
    expect(await clients.count()).toBe(before);
  });

  it('prints the real fields of a client whose attributes the library named like them', async () => {
    const made = await clients.create({
      clientType: 'web',
      redirectUrls: ['https://app.example/cb'],
      attributes: { client_id: 'SPOOFED', client_type: 'native', scopes: 'admin', team: 'blue' },
    });
    const shown = (await run('client', 'get', made.id)) as Printed;
    expect(shown).toEqual({
      client_id: made.id,
      client_type: 'web',
      redirect_urls: ['https://app.example/cb'],
      name: null,
      team: 'blue',
    });
    const listed = (await run('client', 'list', '--attr', 'team=blue')) as Printed[];
    expect(listed).toEqual([shown]);
  });

  it('still prints ordinary attributes beside the fields, and the secret once', async () => {
    const created = (await run(...create, '--name', 'Plain', '--attr', 'owner=7')) as Printed;
    expect(created).toEqual({
      client_id: expect.any(String),
      client_type: 'web',
      redirect_urls: ['https://app.example/cb'],
      name: 'Plain',
      owner: '7',
      client_secret: expect.any(String),
    });
    const shown = (await run('client', 'get', created.client_id as string)) as Printed;
    expect(shown).not.toHaveProperty('client_secret');
  });
  it('client create --scope, repeatable, gives the client its list, printed as scopes', async () => {
    const created = (await run(...create, '--scope', 'reports', '--scope', 'profile')) as Printed;
    expect(created.scopes).toEqual(['reports', 'profile']);
    expect(((await run('client', 'get', created.client_id as string)) as Printed).scopes).toEqual([
      'reports',
      'profile',
    ]);
    expect((await clients.get(created.client_id as string))?.scopes).toEqual([
      'reports',
      'profile',
    ]);
  });

  it("client create --scope refuses a malformed scope as the caller's mistake, creating nothing", async () => {
    const before = await clients.count();
    const refused = await run(...create, '--scope', 'a"b').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OAuthError);
    expect((refused as OAuthError).error).toBe('invalid_client_metadata');
    expect((refused as OAuthError).status).toBeLessThan(500);
    expect(await clients.count()).toBe(before);
  });
  it('client create --resource-server registers a resource server, printed as resource_server', async () => {
    const created = (await run(...create, '--resource-server')) as Printed;
    expect(created.resource_server).toBe(true);
    expect((await clients.get(created.client_id as string))?.resourceServer).toBe(true);
    const plain = (await run(...create)) as Printed;
    expect(plain).not.toHaveProperty('resource_server');
  });
});

describe('token CLI', () => {
  let fixture: OAuthistFixture;

  beforeAll(async () => {
    fixture = await createOAuthistFixture({ refreshTokens: { ttl: 3600 } });
  });
  afterAll(() => fixture.close());

  async function run(...args: string[]): Promise<unknown> {
    const printed: unknown[] = [];
    const program = cliProgram(
      fixture.module.get(ClientService),
      fixture.module.get(TokenService),
      (value) => printed.push(value),
    );
    await program.parseAsync(args, { from: 'user' });
    expect(printed).toHaveLength(1);
    return printed[0];
  }

  // Every token starts with its grant id, whose first character comes from the client: for one
  // client in 64 it is '-', and such a token must not be read as an option.
  it('token revoke takes a token that starts with "-" as the token, once', async () => {
    const clients = fixture.module.get(ClientService);
    const tokens = fixture.module.get(TokenService);
    let token: string | undefined;
    for (let attempt = 0; attempt < 2000 && token === undefined; attempt += 1) {
      const client = await clients.create({
        clientType: 'web',
        redirectUrls: ['https://a.example/cb'],
      });
      const issued = await tokens.issueAccessToken({ clientId: client.id, scopes: [] });
      if (issued.accessToken.startsWith('-')) token = issued.accessToken;
    }
    if (token === undefined) throw new Error('no token starting with "-" in 2000 clients');
    await expect(run('token', 'revoke', token)).resolves.toEqual({ revoked: true });
    await expect(run('token', 'revoke', token)).resolves.toEqual({ revoked: false });
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ reason: 'revoked' });
  });
});

describe('ClientService: attribute names', () => {
  let fixture: OAuthistFixture;
  beforeAll(async () => {
    fixture = await createOAuthistFixture();
  });
  afterAll(() => fixture.close());

  it('refuses __proto__ as invalid_client_metadata, on create and on update', async () => {
    const clients = fixture.module.get(ClientService);
    const attributes = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const input = { clientType: 'web' as const, redirectUrls: ['https://app.example/cb'] };
    await expect(clients.create({ ...input, attributes })).rejects.toMatchObject({
      error: 'invalid_client_metadata',
    });
    const made = await clients.create(input);
    await expect(clients.update(made.id, { attributes })).rejects.toMatchObject({
      error: 'invalid_client_metadata',
    });
  });
});
