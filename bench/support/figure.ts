import { median, round } from './stats';

/** A figure measured `runs.length` times; `median` is the one reported. */
export interface Figure {
  readonly unit: string;
  readonly runs: readonly number[];
  readonly median: number;
}

export function figure(unit: string, runs: readonly number[], decimals = 0): Figure {
  return {
    unit,
    runs: runs.map((run) => round(run, decimals)),
    median: round(median(runs), decimals),
  };
}
