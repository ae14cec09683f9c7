// The words for what a chart shows: its legend's values (the latest, or the hovered point's) and
// the summary a screen reader gets instead of the canvas. Pure: unit-tested under Node.
import { plural } from '../../src/protocol/format';

export interface SeriesValues {
  label: string;
  values: ReadonlyArray<number | null>;
}

/** How many points a summary lists one by one; longer series are described by their ends and extremes. */
const LISTED_POINTS = 10;

/** The index of the last finite value, or -1. */
export function lastIndex(values: ReadonlyArray<number | null>): number {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && Number.isFinite(v)) return i;
  }
  return -1;
}

/**
 * A series' value in the legend: at the hovered point `idx`, or (none hovered) its latest, with
 * that point's epoch when it is not the chart's latest: a shorter run beside longer ones.
 */
export function legendValue(
  x: readonly number[],
  values: ReadonlyArray<number | null>,
  idx: number | null,
  format: (v: number) => string,
): string {
  const at = idx ?? lastIndex(values);
  const v = at >= 0 ? values[at] : null;
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return idx === null && at !== lastIndex(x) ? `${format(v)} (${epochText(x[at])})` : format(v);
}

/** An x value as people read it: "epoch 2", or "epoch 1.25" part-way through. */
export function epochText(x: number): string {
  return `epoch ${Number.isInteger(x) ? x : x.toFixed(2)}`;
}

/**
 * A chart in words: each series' values (a few), or its first and last values with its lowest
 * and highest (many); `what` names the points: one and many ("epoch", "epochs").
 */
export function chartSummary(x: readonly number[], series: SeriesValues[], format: (v: number) => string, what: [string, string]): string {
  if (x.length === 0) return 'No data yet.';
  const at = (i: number, v: number): string => `${format(v)} at ${epochText(x[i])}`;
  const parts = series.map(({ label, values }) => {
    const points = values.flatMap((v, i) => (v !== null && Number.isFinite(v) ? [{ i, v }] : []));
    if (points.length === 0) return `${label}: no values.`;
    if (points.length <= LISTED_POINTS) return `${label}: ${points.map((p) => at(p.i, p.v)).join(', ')}.`;
    const low = points.reduce((a, b) => (b.v < a.v ? b : a));
    const high = points.reduce((a, b) => (b.v > a.v ? b : a));
    const first = points[0];
    const last = points[points.length - 1];
    return `${label}: ${at(first.i, first.v)}, ${at(last.i, last.v)} (the latest); lowest ${at(low.i, low.v)}, highest ${at(high.i, high.v)}.`;
  });
  return `${plural(x.length, ...what)}. ${parts.join(' ')}`;
}

/** Tick labels of an axis in steps of `increment`: as many decimals as the step has, no more. */
export function tickText(value: number, increment: number): string {
  const decimals = increment >= 1 ? 0 : Math.min(4, Math.ceil(-Math.log10(increment) - 1e-9));
  return value.toFixed(decimals);
}

/** Steps for an axis in epochs: 1, 2 and 5 times powers of ten, so ticks fall on round numbers. */
export const EPOCH_INCREMENTS: readonly number[] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
