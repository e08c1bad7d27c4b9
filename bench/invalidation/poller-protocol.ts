/** What passes between the invalidation section and its poller process. */

/** What the invalidation section sends: a token to cache, then to watch. */
export interface PollerJob {
  readonly token: string;
}

/** What the poller answers: started; the token is cached; when it saw the token refused. */
export type PollerMessage =
  | { readonly started: true }
  | { readonly cached: true }
  | { readonly refusedAt: number; readonly polls: number };

/** A wall-clock instant in ms with sub-ms resolution, comparable between processes. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
