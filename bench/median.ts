// The readings of a benchmark row: five, and their median (a reading disturbed by the machine
// moves it least).
const READINGS = 5;

/** The median of five readings of `reading` (given its index). */
export async function median(reading: (index: number) => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let r = 0; r < READINGS; r++) values.push(await reading(r));
  return values.sort((a, b) => a - b)[Math.floor(READINGS / 2)];
}
