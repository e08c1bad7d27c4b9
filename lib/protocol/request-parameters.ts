import type { HttpRequestLike } from '../http/http-request';

/**
 * Protocol parameters under their wire names (`client_id`, `redirect_uri`, ...).
 * @publicApi
 */
export type OAuthParameters = Readonly<Record<string, string | undefined>>;

/**
 * The parameters of one protocol request, read from an HTTP request or given directly, with
 * what the RFCs forbid in them noted rather than silently dropped: a parameter sent twice
 * (RFC 6749 §3.1, §3.2) or in a shape that is not a string.
 * @publicApi
 */
export class RequestParameters {
  private constructor(
    private readonly values: ReadonlyMap<string, string>,
    /** Every string value of every parameter, in the order sent, for those that may repeat. */
    private readonly lists: ReadonlyMap<string, readonly string[]>,
    /** Names of the parameters sent more than once. */
    readonly repeated: readonly string[],
    /** Names of the parameters whose value is not a string (e.g. `a[b]=c`). */
    readonly malformed: readonly string[],
    /** The `Authorization` header, if any. */
    readonly authorization: string | undefined,
    /** Whether they came from an HTTP request (where every required parameter must be sent). */
    readonly fromHttp: boolean,
    /**
     * The address the HTTP request came from, as the framework gives it (`request.ip`, which
     * honours its trust-proxy setting); `undefined` for parameters given directly.
     */
    readonly sourceAddress: string | undefined = undefined,
  ) {}

  /** Parameters given directly, like the keyword arguments of the manual. */
  static of(parameters: OAuthParameters, authorization?: string): RequestParameters {
    return RequestParameters.parse(parameters, authorization, false);
  }

  /** The query of a GET or the form body of a POST, and the `Authorization` header. */
  static fromRequest(request: HttpRequestLike): RequestParameters {
    const method = (request.method ?? 'GET').toUpperCase();
    const source = method === 'GET' || method === 'HEAD' ? request.query : request.body;
    const header = request.headers?.authorization;
    return RequestParameters.parse(
      source,
      Array.isArray(header) ? header[0] : header,
      true,
      request.ip ?? request.socket?.remoteAddress,
    );
  }

  private static parse(
    source: unknown,
    authorization: string | undefined,
    fromHttp: boolean,
    sourceAddress?: string,
  ): RequestParameters {
    const values = new Map<string, string>();
    const lists = new Map<string, string[]>();
    const repeated: string[] = [];
    const malformed: string[] = [];
    if (source !== null && typeof source === 'object') {
      for (const [name, raw] of Object.entries(source)) {
        const list: unknown[] = Array.isArray(raw) ? raw : [raw];
        const strings = list.every((value) => typeof value === 'string');
        if (strings)
          lists.set(
            name,
            (list as string[]).filter((value) => value !== ''),
          );
        if (list.length > 1) {
          repeated.push(name);
          if (!strings) malformed.push(name);
        } else if (list.length === 1 && typeof list[0] === 'string') {
          // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
          if (list[0] !== '') values.set(name, list[0]);
        } else if (list.length === 1 && list[0] !== undefined) malformed.push(name);
      }
    }
    return new RequestParameters(
      values,
      lists,
      repeated,
      malformed,
      authorization,
      fromHttp,
      sourceAddress,
    );
  }

  /** The value of a parameter sent once; `undefined` when absent, empty, repeated or malformed. */
  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /**
   * Every value of a parameter that may be repeated (RFC 8707 `resource`), in the order sent and
   * empty ones left out; `undefined` when one of them is not a string.
   */
  getAll(name: string): readonly string[] | undefined {
    if (this.malformed.includes(name)) return undefined;
    return this.lists.get(name) ?? [];
  }

  /** The first parameter among `names` that was repeated or malformed, if any. */
  firstFaulty(names?: readonly string[]): string | undefined {
    const faulty = [...this.repeated, ...this.malformed];
    return names === undefined ? faulty[0] : faulty.find((name) => names.includes(name));
  }

  /** A copy with defaults filled in for parameters that are absent. */
  withDefaults(defaults: OAuthParameters): RequestParameters {
    const values = new Map(this.values);
    for (const [name, value] of Object.entries(defaults)) {
      if (value !== undefined && !values.has(name) && !this.repeated.includes(name))
        values.set(name, value);
    }
    return new RequestParameters(
      values,
      this.lists,
      this.repeated,
      this.malformed,
      this.authorization,
      this.fromHttp,
      this.sourceAddress,
    );
  }
}
