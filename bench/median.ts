// The middle of a benchmark's readings (a reading disturbed by the machine moves it least), and
// five readings of a row.
const READINGS = 5;

/** The median of `values` (the mean of the middle two for an even count). */
export function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The median of five readings of `reading` (given its index). */
export async function median(reading: (index: number) => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let r = 0; r < READINGS; r++) values.push(await reading(r));
  return medianOf(values);
}
