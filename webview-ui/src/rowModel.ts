// The prediction row by row, as data and words: the class probabilities after each row the LSTM
// has read, the leading class at a row, and the sentence for it. Pure: unit-tested.
import { floatsFromBase64 } from '../../src/protocol/binary';
import { percent } from '../../src/protocol/format';
import type { InspectResult } from '../../src/protocol/inspection';

export type RowsResult = Extract<InspectResult, { kind: 'rows' }>;

/** The probabilities after each row: `rows` arrays of one value per class. */
export function decodeRows(result: RowsResult): Float32Array[] {
  const flat = floatsFromBase64(result.probabilities);
  const classes = flat.length / result.rows;
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`${flat.length} probabilities do not fill ${result.rows} rows`);
  return Array.from({ length: result.rows }, (_, r) => flat.subarray(r * classes, (r + 1) * classes));
}

export function leading(probabilities: Float32Array): { digit: number; probability: number } {
  let digit = 0;
  for (let d = 1; d < probabilities.length; d++) if (probabilities[d] > probabilities[digit]) digit = d;
  return { digit, probability: probabilities[digit] };
}

/** "After row 14 of 28: most likely 3 (27%)"; the last row is the prediction. */
export function rowSentence(rows: Float32Array[], row: number): string {
  const { digit, probability } = leading(rows[row - 1]);
  if (row === rows.length) return `After all ${rows.length} rows: predicted ${digit} (${percent(probability, 0)})`;
  return `After row ${row} of ${rows.length}: most likely ${digit} (${percent(probability, 0)})`;
}
