import type { ClientOrigin } from '../interfaces';
import { keySegment } from './key-segment';

/** What attempts are counted of: see `attempts()` and `attemptsOf()`. */
type AttemptKind = 'client' | 'username' | 'pending' | 'registration';

/** A grant id: 16 base64url characters (see `GrantIds`). */
const GRANT_ID = /^[A-Za-z0-9_-]{16}$/;

/**
 * The one place where Redis key names are built.
 *
 * Every key is `<prefix>:{<hash tag>}:<kind>[:<id>]`, but a grant's own hash, which is
 * `<prefix>:{<grant id>}` (it is stored once per grant, so it is kept short). The registry of clients lives under one
 * tag, so creating, updating and deleting a client is a single atomic script even on Redis
 * Cluster (the registry is small and read off the hot path). Ids and attribute values are
 * passed through `keySegment`, so no input can forge a key name.
 *
 * Codes and tokens live under the tag of their grant (one user and one client): the grant id
 * is carried in the code and token strings themselves, so that verification finds the key with
 * no lookup, and issuing, exchanging and revoking touch one slot each. Codes, tokens and
 * pending requests appear in key names and fields only as SHA-256 hashes (a token's field as
 * its first 96 bits).
 */
export class RedisKeys {
  private readonly registry: string;

  constructor(readonly prefix: string) {
    this.registry = `${prefix}:{clients}`;
  }

  /** Hash: one client's fields, attributes (`a:<name>`) and index membership (`i:<name>`). */
  client(clientId: string): string {
    return `${this.registry}:client:${keySegment(clientId)}`;
  }

  /** String: the deployment's secret key for deriving grant ids, made once by whoever starts first. */
  serverSecret(): string {
    return `${this.registry}:secret`;
  }

  /** Sorted set: every client id, scored by creation time, for paginated listing. */
  allClients(): string {
    return `${this.registry}:all`;
  }

  /**
   * Sorted set: the ids of the clients of one origin other than `operator` (self-registered ones
   * are `dynamic`), scored by creation time, so that they are listed and purged without reading
   * every client.
   */
  clientsOfOrigin(origin: Exclude<ClientOrigin, 'operator'>): string {
    return `${this.registry}:origin:${keySegment(origin)}`;
  }

  /** Set: ids of the clients whose attribute `name` equals `value`. */
  clientAttribute(name: string, value: string): string {
    return `${this.registry}:attr:${keySegment(name)}:${keySegment(value)}`;
  }

  /**
   * String: what was last read from the Client ID Metadata Document at `url`: the client it
   * describes, checked, or why it could not be read; it expires with its cache lifetime. Each
   * URL has a tag of its own rather than the registry's `{clients}`: nothing reads a document
   * together with another key, and as anyone can make the server fetch by naming a URL, the
   * documents are spread over the cluster instead of loading the registry's slot. The tag's
   * `cimd:` is never a grant id's shape, so walking a client's grants skips these keys.
   */
  metadataDocument(url: string): string {
    return `${this.prefix}:{cimd:${keySegment(url)}}`;
  }

  /**
   * Hash: one grant, that is who it is (field `g`) and its access tokens, one field each (see
   * token-record.ts). The key is the grant itself: no suffix, as it is stored once per grant.
   */
  grant(grantId: string): string {
    return `${this.prefix}:{${grantId}}`;
  }

  /**
   * A SCAN pattern matching every key of the grants whose id starts with `clientTag`: those of
   * one client, and rarely one of another client with the same tag (see `GrantIds`).
   */
  grantsOfClientTag(clientTag: string): string {
    return `${globEscape(this.prefix)}:{${globEscape(clientTag)}*`;
  }

  /** The grant id in a key name of a grant (see `grantsOfClientTag()`); `null` for any other key. */
  grantIdOfKey(key: string): string | null {
    const start = this.prefix.length + 2;
    if (!key.startsWith(`${this.prefix}:{`)) return null;
    const id = key.slice(start, key.indexOf('}', start));
    // A tag such as `clie` also matches `{clients}`: only a grant id's shape is a grant.
    return GRANT_ID.test(id) ? id : null;
  }

  /**
   * Hash: one user's index of grants, client id -> what the user granted it and when (see
   * user-grant-store.ts). `userTag` is a keyed hash of the user id (see `GrantIds.userTag()`),
   * so the key names no user; a tag of its own, so listing one user's grants reads one slot.
   */
  userGrants(userTag: string): string {
    return `${this.prefix}:{user:${userTag}}`;
  }

  /** Hash: one authorization code, from `accept()` until it expires. */
  code(grantId: string, codeHash: string): string {
    return `${this.codePrefix(grantId)}${codeHash}`;
  }

  /**
   * What every code key of a grant starts with: scripts that walk a grant's code set append a
   * code hash to it, so that key names are still spelled only here.
   */
  codePrefix(grantId: string): string {
    return `${this.prefix}:{${grantId}}:code:`;
  }

  /** Set: the hashes of the grant's codes still within their lifetime, for `revokeGrant()`. */
  grantCodes(grantId: string): string {
    return `${this.prefix}:{${grantId}}:codes`;
  }

  /** String: an authorization request waiting for the user's consent. */
  pendingAuthorization(idHash: string): string {
    return `${this.prefix}:pending:${idHash}`;
  }

  /**
   * Sorted set: the recent counted attempts at one client id or username from one source
   * (brute-force protection). A client id's sit in the registry beside the client, so that one
   * script reads both: an attack on an id loads the registry's slot, which its lookups load
   * anyway. Each username has a tag of its own, so an attack on one name loads one slot.
   */
  attempts(subject: AttemptKind, id: string, source: string): string {
    return `${this.attemptsOf(subject, id)}:${keySegment(source)}`;
  }

  /**
   * Set: the sources from which a username's user signed in with the right password lately;
   * the username's ceiling over every source does not apply to them. Beside its attempts.
   */
  knownSources(username: string): string {
    return `${this.prefix}:{username:${keySegment(username)}}:known`;
  }

  /**
   * Sorted set: the recent counted attempts at one username from every source together, or
   * the authorization requests or client registrations one source (the id) made.
   */
  attemptsOf(subject: AttemptKind, id: string): string {
    return subject === 'client'
      ? `${this.registry}:client:${keySegment(id)}:attempts`
      : `${this.prefix}:{${subject}:${keySegment(id)}}:attempts`;
  }

  /**
   * What the name of every key of a client starts with (its hash and its attempts): the prefix
   * Redis reports changes under for the cache of clients.
   */
  trackedClientPrefix(): string {
    return `${this.registry}:client:`;
  }

  /**
   * What the name of every key under a hash tag starts with, grants and the registry among
   * them: the prefix Redis reports changes under when access tokens are cached too.
   */
  trackedGrantPrefix(): string {
    return `${this.prefix}:{`;
  }

  /** Every key of this prefix, for tests and tools that need to find them; never on a request path. */
  pattern(): string {
    return `${globEscape(this.prefix)}:*`;
  }
}

/** Escapes the characters SCAN MATCH gives a meaning (`*`, `?`, `[`, `]`, `\\`). */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
