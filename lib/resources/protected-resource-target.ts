/**
 * Which tokens a protected route takes, by audience (RFC 8707): those issued for `resource`,
 * and those with no audience when `acceptUnrestricted` says so.
 * @publicApi
 */
export interface ProtectedResourceOptions {
  /** Also take tokens issued with no audience at all. Default false. */
  readonly acceptUnrestricted?: boolean;
}

/**
 * The resource a protected route is, as `@ProtectedResource()` records it for the guard.
 * @publicApi
 */
export interface ProtectedResourceTarget extends ProtectedResourceOptions {
  /** The resource identifier: one of the `resources` option. */
  readonly resource: string;
}
