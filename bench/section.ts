/** One benchmark section: measures, returns its figures (flat keys) or `{ skipped: reason }`. */
export type Figures = Record<string, number | string | boolean | null | Record<string, unknown> | unknown[]>;

export type Size = 'small' | 'full';

export interface SectionContext {
  size: Size;
  /** Writes a progress line (stderr, so the table on stdout stays clean). */
  log(message: string): void;
}

export interface Section {
  key: string;
  title: string;
  /** Hard cap: past it the section is recorded as skipped with a timeout reason. */
  timeoutMs: (size: Size) => number;
  run(context: SectionContext): Promise<Figures>;
}

export class SkipSection extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SkipSection';
  }
}

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const index = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[index]!;
}
