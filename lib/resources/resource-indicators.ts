import { sha256 } from '../crypto/sha256';
import { OAuthistConfigurationError } from '../errors';

/** How many characters of a resource's SHA-256 (base64url) name it in Redis: 48 bits. */
const TAG_LENGTH = 8;

/**
 * The resource identifiers this server issues tokens for (RFC 8707), and the audience a token
 * gets when its request names none. Redis stores an audience as the identifiers' tags, eight
 * characters each, so that a token's value stays short enough for the compact encoding of its
 * grant's hash (token-record.ts) however long the URIs are.
 * @publicApi
 */
export class ResourceIndicators {
  private readonly byTag: ReadonlyMap<string, string>;
  private readonly tags: ReadonlyMap<string, string>;

  private constructor(
    /** The identifiers, absolute (a configured path is resolved against the issuer). */
    readonly identifiers: readonly string[],
    /** The audience of a token requested without `resource`; empty: none (unrestricted). */
    readonly defaults: readonly string[],
    private readonly issuer: string | null,
  ) {
    const tags = new Map<string, string>();
    const byTag = new Map<string, string>();
    for (const identifier of identifiers) {
      const tag = sha256(identifier).slice(0, TAG_LENGTH);
      // Two identifiers of one server sharing 48 bits of SHA-256 would be a first; refused all
      // the same, since one would then pass for the other.
      if (byTag.has(tag))
        throw new OAuthistConfigurationError('resources', `${identifier} collides with another`);
      tags.set(identifier, tag);
      byTag.set(tag, identifier);
    }
    this.tags = tags;
    this.byTag = byTag;
  }

  /** @internal Checks the `resources` and `defaultResources` options; `null` when none are configured. */
  static resolve(
    resources: unknown,
    defaults: unknown,
    issuer: string | null = null,
  ): ResourceIndicators | null {
    if (resources === undefined) {
      if (defaults !== undefined)
        throw new OAuthistConfigurationError('defaultResources', 'needs the resources option');
      return null;
    }
    const identifiers = identifierList('resources', resources, issuer);
    if (identifiers.length === 0)
      throw new OAuthistConfigurationError('resources', 'expected at least one identifier');
    const fallback =
      defaults === undefined ? [] : identifierList('defaultResources', defaults, issuer);
    const unknown = fallback.find((identifier) => !identifiers.includes(identifier));
    if (unknown !== undefined)
      throw new OAuthistConfigurationError('defaultResources', `${unknown} is not in resources`);
    return new ResourceIndicators(identifiers, fallback, issuer);
  }

  /**
   * The absolute identifier a route names with `@ProtectedResource()`: a path such as `/mcp`
   * is resolved against the issuer, as the options' are, so that controllers need not know it.
   */
  identifierOf(name: string): string {
    return name.startsWith('/') && this.issuer !== null ? underIssuer(this.issuer, name) : name;
  }

  /** Whether `identifier` is one of this server's resources. */
  has(identifier: string): boolean {
    return this.tags.has(identifier);
  }

  /** @internal The stored form of an audience: its tags, space-separated; '' for none. */
  encode(audience: readonly string[]): string {
    return audience.map((identifier) => this.tags.get(identifier) as string).join(' ');
  }

  /**
   * @internal An audience read back from its stored form: the identifiers of the tags this server still
   * serves. A resource dropped from the options is dropped from its tokens' audience too.
   */
  decode(stored: string): string[] {
    if (stored === '') return [];
    const audience: string[] = [];
    for (const tag of stored.split(' ')) {
      const identifier = this.byTag.get(tag);
      if (identifier !== undefined) audience.push(identifier);
    }
    return audience;
  }
}

/** RFC 8707 §2: an absolute URI, without a fragment. */
export function isResourceIdentifier(value: string): boolean {
  if (value.includes('#') || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** `path` under the issuer: `https://as.example` and `/mcp` make `https://as.example/mcp`. */
function underIssuer(issuer: string, path: string): string {
  return issuer.replace(/\/$/, '') + path;
}

function identifierList(option: string, value: unknown, issuer: string | null): string[] {
  if (!Array.isArray(value) || value.some((each) => typeof each !== 'string'))
    throw new OAuthistConfigurationError(option, 'expected an array of absolute URIs or paths');
  const list = (value as string[]).map((each) => {
    if (!each.startsWith('/')) return each;
    if (issuer === null)
      throw new OAuthistConfigurationError(
        option,
        `${each} is a path, which needs the issuer option`,
      );
    return underIssuer(issuer, each);
  });
  const bad = list.find((each) => !isResourceIdentifier(each));
  if (bad !== undefined) {
    throw new OAuthistConfigurationError(
      option,
      `${JSON.stringify(bad)} is no absolute URI without a fragment (RFC 8707 section 2)`,
    );
  }
  return [...new Set(list)];
}
