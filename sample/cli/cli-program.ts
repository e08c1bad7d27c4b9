import { Command, InvalidArgumentError } from 'commander';
import { ClientService, OAuthClient, RegisteredClient, TokenService } from '../../lib';
import { allGrantsOf } from '../account/all-grants';

/** A mistake of the caller (bad argument, missing object): one line on stderr, exit code 2. */
export class UsageError extends Error {}

type ClientJson = Record<string, string | string[] | boolean | null>;

/**
 * The client's own fields in the CLI's output. Attributes are printed beside them, so an
 * attribute of one of these names would pass for the field (a spoofed id next to a secret
 * shown once): `--attr` refuses them, and one set through the library is never printed.
 */
const CLIENT_FIELDS: ReadonlySet<string> = new Set([
  'client_id',
  'client_secret',
  'client_type',
  'redirect_urls',
  'scopes',
  'resource_server',
]);

function clientJson(client: OAuthClient | RegisteredClient): ClientJson {
  const json: ClientJson = {};
  for (const [name, value] of Object.entries(client.attributes)) {
    if (!CLIENT_FIELDS.has(name)) json[name] = value;
  }
  Object.assign(json, {
    client_id: client.id,
    client_type: client.clientType,
    redirect_urls: [...client.redirectUrls],
    name: client.attributes.name ?? null,
  });
  // Only a client registered with --scope has a list; without one it may ask for any scope.
  if (client.scopes !== null) json.scopes = [...client.scopes];
  // Printed only for a resource server, which may introspect every client's tokens.
  if (client.resourceServer) json.resource_server = true;
  if ('secret' in client && client.secret !== undefined) json.client_secret = client.secret;
  return json;
}

/** A user or client id given on the command line: an empty one names nobody. */
function named(value: string, option: string): string {
  if (value === '') throw new UsageError(`${option} must not be empty`);
  return value;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function attribute(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0)
    throw new InvalidArgumentError(`expected KEY=VALUE, got ${JSON.stringify(value)}`);
  const name = value.slice(0, equals);
  if (CLIENT_FIELDS.has(name)) {
    throw new InvalidArgumentError(`${name} is a field of every client, not an attribute`);
  }
  // Defined, not assigned: `__proto__` must reach the library, which refuses it by name.
  return Object.defineProperty({ ...previous }, name, {
    value: value.slice(equals + 1),
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * The client CLI of the contract: each command prints one JSON value. `print` receives it;
 * what goes wrong is thrown (`UsageError` for the caller's mistakes).
 */
export function cliProgram(
  clients: ClientService,
  tokens: TokenService,
  print: (value: unknown) => void,
): Command {
  const program = new Command('oauthist')
    .description('Manage the clients and tokens of the oauthist sample')
    .exitOverride();
  // One line on stderr, printed by the caller: commander's own copy would repeat it.
  program.configureOutput({ writeErr: () => undefined });
  const client = program.command('client').description('registered clients').exitOverride();

  client
    .command('create')
    .description('register a client; a web client gets a secret, shown once')
    .requiredOption('--type <type>', 'web, user-agent or native')
    .requiredOption('--redirect-url <url>', 'a redirection URI (repeatable)', collect)
    .option('--name <name>', 'a display name')
    .option('--attr <key=value>', 'an extra attribute (repeatable)', attribute)
    .option('--resource-server', "a resource server: it may introspect every client's tokens")
    .option(
      '--scope <scope>',
      'a scope the client may ask for (repeatable; none: any configured scope)',
      collect,
    )
    .exitOverride()
    .action(
      async (options: {
        type: string;
        redirectUrl: string[];
        name?: string;
        attr?: Record<string, string>;
        scope?: string[];
        resourceServer?: boolean;
      }) => {
        const attributes = {
          ...options.attr,
          ...(options.name === undefined ? {} : { name: options.name }),
        };
        const created = await clients.create({
          clientType: options.type as 'web',
          redirectUrls: options.redirectUrl,
          attributes,
          scopes: options.scope,
          resourceServer: options.resourceServer,
        });
        print(clientJson(created));
      },
    );

  client
    .command('get <id>')
    .description('show a client (never its secret)')
    .exitOverride()
    .action(async (id: string) => {
      const found = await clients.get(id);
      if (!found) throw new UsageError(`no client ${id}`);
      print(clientJson(found));
    });

  client
    .command('list')
    .description('list clients, or those with every given attribute')
    .option('--attr <key=value>', 'an attribute to match (repeatable)', attribute)
    .exitOverride()
    .action(async (options: { attr?: Record<string, string> }) => {
      if (options.attr) return print((await clients.find(options.attr)).map(clientJson));
      const all: OAuthClient[] = [];
      for (let page = await clients.list({ limit: 1000 }); page.length > 0;) {
        all.push(...page);
        page = page.length < 1000 ? [] : await clients.list({ offset: all.length, limit: 1000 });
      }
      print(all.map(clientJson));
    });

  client
    .command('delete <id>')
    .description('delete a client')
    .exitOverride()
    .action(async (id: string) => {
      if (!(await clients.delete(id))) throw new UsageError(`no client ${id}`);
      print({ deleted: true });
    });

  const grant = program.command('grant').description("users' grants").exitOverride();

  grant
    .command('list')
    .description('list the clients a user granted access to')
    .requiredOption('--user <user_id>', 'the user')
    .exitOverride()
    .action(async (options: { user: string }) => {
      const all = await allGrantsOf(tokens, named(options.user, '--user'));
      print(
        all.map((each) => ({
          client_id: each.clientId,
          scope: each.scopes.join(' '),
          granted_at: each.grantedAt.toISOString(),
          last_issued_at: each.lastIssuedAt.toISOString(),
        })),
      );
    });

  grant
    .command('revoke')
    .description('revoke every token a user granted a client')
    .requiredOption('--user <user_id>', 'the user')
    .requiredOption('--client <client_id>', 'the client')
    .exitOverride()
    .action(async (options: { user: string; client: string }) => {
      const revoked = await tokens.revokeGrant(
        named(options.user, '--user'),
        named(options.client, '--client'),
      );
      print({ revoked });
    });

  program
    .command('token')
    .description('access and refresh tokens')
    .exitOverride()
    .command('revoke <token>')
    .description('revoke one access or refresh token')
    // A token may start with '-' (its grant id is base64url): it is never an option here.
    .allowUnknownOption()
    .exitOverride()
    .action(async (token: string) => {
      print({ revoked: await tokens.revokeToken(token) });
    });

  return program;
}
