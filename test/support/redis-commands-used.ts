import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * One use of a Redis command in oauthist's source: the command (`CLIENT|LIST` for a
 * subcommand), the string literals passed to it (options such as `NX`, `MATCH`), and where.
 */
export interface CommandUse {
  readonly command: string;
  readonly literals: readonly string[];
  readonly where: string;
}

/** What the source does with Redis: the commands it sends, and what it could not read. */
export interface RedisUsage {
  readonly commands: CommandUse[];
  /** Lua API (`redis.X`) other than `redis.call`/`redis.pcall`, with where. */
  readonly luaApi: { name: string; where: string }[];
  /** Anything that may send a command without saying which: the floor cannot be checked. */
  readonly unrecognized: string[];
}

const ROOT = join(__dirname, '..', '..');
const LIB = join(ROOT, 'lib');

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

// --- Lua -----------------------------------------------------------------------------------

type LuaToken = { kind: 'string' | 'name' | 'punct'; text: string; line: number };

/** Lua source as names (dotted: `redis.call`), string literals and punctuation; no comments. */
function luaTokens(source: string): LuaToken[] {
  const tokens: LuaToken[] = [];
  let i = 0;
  let line = 1;
  const longBracket = /^\[(=*)\[/;
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
    } else if (source.startsWith('--', i)) {
      const long = longBracket.exec(source.slice(i + 2));
      const end = long
        ? source.indexOf(`]${long[1]}]`, i + 2 + long[0].length) + long[0].length
        : source.indexOf('\n', i);
      const stop = end < 0 || (long && end < long[0].length) ? source.length : end;
      line += (source.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') j++;
        text += source[j];
        j++;
      }
      tokens.push({ kind: 'string', text, line });
      i = j + 1;
    } else if (longBracket.test(source.slice(i))) {
      const open = longBracket.exec(source.slice(i)) as RegExpExecArray;
      const end = source.indexOf(`]${open[1]}]`, i + open[0].length);
      const text = source.slice(i + open[0].length, end);
      tokens.push({ kind: 'string', text, line });
      line += (text.match(/\n/g) ?? []).length;
      i = end + open[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const name = /^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'name', text: name[0], line });
      i += name[0].length;
    } else {
      tokens.push({ kind: 'punct', text: c, line });
      i++;
    }
  }
  return tokens;
}

/**
 * Every `redis.call`/`redis.pcall` of the Lua sources, directly or through a local alias
 * (`local rcall = redis.call`), and every other `redis.X` they use. A call whose command is not
 * a string literal, or a use of `redis.call` other than a call or an alias, is unrecognized.
 */
function luaUsage(usage: RedisUsage): void {
  for (const file of filesUnder(join(LIB, 'redis', 'scripts'), '.lua')) {
    const name = relative(ROOT, file);
    const source = readFileSync(file, 'utf8');
    // Script flags (`#!lua flags=...`) are Redis 7.0's.
    if (source.startsWith('#!')) usage.unrecognized.push(`${name}:1: a #! line (Redis 7.0)`);
    const tokens = luaTokens(source);
    const callers = new Set(['redis.call', 'redis.pcall']);
    for (const [i, token] of tokens.entries()) {
      const where = `${name}:${token.line}`;
      if (token.kind !== 'name') continue;
      const isAlias =
        callers.has(token.text) &&
        tokens[i + 1]?.text !== '(' &&
        tokens[i - 1]?.text === '=' &&
        tokens[i - 2]?.kind === 'name' &&
        tokens[i - 3]?.text === 'local';
      if (isAlias) {
        callers.add(tokens[i - 2].text);
        continue;
      }
      if (callers.has(token.text)) {
        const [open, command] = [tokens[i + 1], tokens[i + 2]];
        if (open?.text !== '(' || command?.kind !== 'string') {
          usage.unrecognized.push(`${where}: ${token.text} without a literal command name`);
          continue;
        }
        // The literals that are whole arguments: `'i:' .. name` is data, `'NX'` an option.
        const literals: string[] = [];
        let depth = 1;
        let argument: LuaToken[] = [];
        for (let j = i + 3; j < tokens.length && depth > 0; j++) {
          const t = tokens[j];
          if (t.text === '(' || t.text === '{' || t.text === '[') depth++;
          if (t.text === ')' || t.text === '}' || t.text === ']') depth--;
          if (depth === 0 || (depth === 1 && t.text === ',')) {
            if (argument.length === 1 && argument[0].kind === 'string')
              literals.push(argument[0].text);
            argument = [];
          } else if (!(depth === 1 && t.text === ',')) {
            argument.push(t);
          }
        }
        usage.commands.push({ command: command.text.toUpperCase(), literals, where });
      } else if (token.text.startsWith('redis.')) {
        usage.luaApi.push({ name: token.text, where });
      } else if (token.text === 'redis') {
        usage.unrecognized.push(`${where}: redis used other than as redis.X`);
      }
    }
  }
}

// --- TypeScript ----------------------------------------------------------------------------

/** The ioredis types whose methods send commands. */
const IOREDIS_COMMANDERS = new Set([
  'Redis',
  'Cluster',
  'Commander',
  'RedisCommander',
  'ChainableCommander',
  'Pipeline',
  'Transaction',
]);

/**
 * Methods of ioredis that are not one Redis command of their own name, with the commands they
 * send. Reviewed by hand: a method of ioredis that is neither here nor a command is an error.
 */
const IOREDIS_METHODS: Readonly<Record<string, readonly string[]>> = {
  // MULTI, then EXEC when the transaction is run.
  'Transaction.multi': ['MULTI', 'EXEC'],
  // Commands queued on a pipeline are found as commands of their own.
  'Transaction.pipeline': [],
  // ioredis runs a defined script by EVALSHA, and by EVAL on a server that lacks it.
  'Commander.defineCommand': ['EVALSHA', 'EVAL'],
  // The slot map ioredis already has.
  'Cluster.nodes': [],
  'Redis.disconnect': [],
  'Cluster.disconnect': [],
  'Cluster.quit': ['QUIT'],
  'Redis.connect': [],
  // A new connection with the same options; what it sends is found where it is sent.
  'Redis.duplicate': [],
  'Cluster.connect': [],
  // Sends the command it is handed, which is found where that command is made.
  'Redis.sendCommand': [],
  'Cluster.sendCommand': [],
  'Commander.sendCommand': [],
  'Cluster.delayUntilReady': [],
  // ioredis reads the slot map again: CLUSTER SLOTS on a node it knows.
  'Cluster.refreshSlotsCache': ['CLUSTER|SLOTS'],
  'Command.setTimeout': [],
  // Settles the command's own promise; sends nothing.
  'Command.reject': [],
};

/**
 * Calls whose method the checker cannot resolve to a declaration, by the function they are in,
 * reviewed by hand: none of them reaches Redis.
 */
const UNRESOLVED_CALLS: ReadonlySet<string> = new Set([
  // ConfigurableModuleClass.forRoot()/forRootAsync(): Nest declares them as a mapped type.
  'OAuthistModule.forRoot',
  'OAuthistModule.forRootAsync',
]);

/**
 * Where oauthist hides a client's type behind a cast, and the commands sent there: reviewed by
 * hand, as a new cast of a client is an error until it is added here.
 */
const CASTS: Readonly<Record<string, readonly string[]>> = {
  // Calls a command defined by defineCommand (EVALSHA, then EVAL).
  'RedisConnection.runScript': ['EVALSHA', 'EVAL'],
};

/** Event listeners and other methods an ioredis client inherits that send nothing. */
const INHERITED_QUIET = new Set(['on', 'once', 'off', 'removeListener', 'emit']);

function isIoredisDeclaration(node: ts.Node): boolean {
  return node.getSourceFile().fileName.split(sep).join('/').includes('/node_modules/ioredis/');
}

/** The name of the class or interface that declares `node`. */
function ownerName(node: ts.Node): string {
  const parent = node.parent;
  return (ts.isClassDeclaration(parent) || ts.isInterfaceDeclaration(parent)) && parent.name
    ? parent.name.text
    : '?';
}

/** Whether `type` (or a member of a union) is one of ioredis' command-sending types. */
function isCommanderType(type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.some((part) => {
    const symbol = part.getSymbol() ?? part.aliasSymbol;
    return (
      symbol !== undefined &&
      IOREDIS_COMMANDERS.has(symbol.getName()) &&
      (symbol.declarations ?? []).some(isIoredisDeclaration)
    );
  });
}

/** `Class.method` (or `function`) around `node`, for CASTS and messages. */
function enclosingName(node: ts.Node): string {
  const names: string[] = [];
  for (let at: ts.Node | undefined = node; at; at = at.parent) {
    if (
      (ts.isMethodDeclaration(at) ||
        ts.isFunctionDeclaration(at) ||
        ts.isClassDeclaration(at) ||
        ts.isConstructorDeclaration(at)) &&
      (at.name || ts.isConstructorDeclaration(at))
    )
      names.unshift(at.name ? at.name.getText() : 'constructor');
  }
  return names.join('.');
}

function literalText(node: ts.Expression | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    ? node.text
    : undefined;
}

/**
 * Every ioredis call of the TypeScript under lib/, found by the type checker: a method whose
 * declaration is ioredis' RedisCommander is the command of its name (`hmgetBuffer`: HMGET,
 * `call('X')`: X); any other ioredis method must be in IOREDIS_METHODS; a cast of a client
 * must be in CASTS; a method call the checker cannot resolve at all is unrecognized.
 */
function typeScriptUsage(usage: RedisUsage): void {
  const program = ts.createProgram(filesUnder(LIB, '.ts'), {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    lib: ['lib.es2024.d.ts'],
  });
  const checker = program.getTypeChecker();
  for (const source of program.getSourceFiles()) {
    if (!source.fileName.startsWith(LIB.split(sep).join('/'))) continue;
    const name = relative(ROOT, source.fileName);
    const visit = (node: ts.Node): void => {
      const where = (): string =>
        `${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
        const from = checker.getTypeAtLocation(node.expression);
        const to = checker.getTypeAtLocation(node);
        if (isCommanderType(from) && !isCommanderType(to)) {
          const cast = CASTS[enclosingName(node)];
          if (cast) {
            for (const command of cast)
              usage.commands.push({ command, literals: [], where: where() });
          } else {
            usage.unrecognized.push(`${where()}: a cast hides an ioredis client's type`);
          }
        }
      }
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
          const receiver = checker.getTypeAtLocation(callee.expression);
          const member = ts.isPropertyAccessExpression(callee)
            ? callee.name
            : callee.argumentExpression;
          const symbol = checker.getSymbolAtLocation(member);
          const method = ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : (literalText(callee.argumentExpression) ?? '[?]');
          const declarations = (symbol?.declarations ?? []).filter(isIoredisDeclaration);
          if (!symbol || !symbol.declarations?.length) {
            if (!UNRESOLVED_CALLS.has(enclosingName(node)))
              usage.unrecognized.push(`${where()}: .${method}() on a type the checker cannot tell`);
          } else if (declarations.length > 0 && !INHERITED_QUIET.has(method)) {
            const owners = new Set(declarations.map(ownerName));
            // By type, so that a constant (`const OPTION = 'GET'`) counts as its literal.
            const literals = node.arguments
              .map((argument) => checker.getTypeAtLocation(argument))
              .filter((type): type is ts.StringLiteralType => type.isStringLiteral())
              .map((type) => type.value);
            for (const owner of owners) {
              if (owner === 'RedisCommander' || owner === 'ChainableCommander') {
                if (method === 'call') {
                  const [command, ...rest] = literals;
                  if (literalText(node.arguments[0]) === undefined || command === undefined)
                    usage.unrecognized.push(`${where()}: call() without a literal command name`);
                  else
                    usage.commands.push({
                      command: command.toUpperCase(),
                      literals: rest,
                      where: where(),
                    });
                } else {
                  const command = method.replace(/Buffer$/, '').toUpperCase();
                  usage.commands.push({ command, literals, where: where() });
                }
              } else if (`${owner}.${method}` in IOREDIS_METHODS) {
                for (const command of IOREDIS_METHODS[`${owner}.${method}`])
                  usage.commands.push({ command, literals: [], where: where() });
              } else {
                usage.unrecognized.push(`${where()}: ioredis ${owner}.${method}() is not reviewed`);
              }
            }
          } else if (
            isCommanderType(receiver) &&
            declarations.length === 0 &&
            !INHERITED_QUIET.has(method)
          ) {
            usage.unrecognized.push(`${where()}: .${method}() on an ioredis client`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}

/** Every Redis command oauthist's scripts and TypeScript send (see `RedisUsage`). */
export function redisUsage(): RedisUsage {
  const usage: RedisUsage = { commands: [], luaApi: [], unrecognized: [] };
  luaUsage(usage);
  typeScriptUsage(usage);
  return usage;
}
