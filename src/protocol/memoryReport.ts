// The training process's memory after each epoch, as one line of its output, when the
// LSTM_MNIST_MEMORY_REPORT variable is set: how the soak test (bench/soak.ts) sees that a long
// run stays flat without the training path knowing about it.
import { isFiniteNumber, isRecord } from './guards';

/** The variable that turns the report on (any non-empty value). */
export const MEMORY_REPORT_ENV = 'LSTM_MNIST_MEMORY_REPORT';

const PREFIX = 'lstm-mnist-memory ';

export interface MemoryReport {
  epoch: number;
  /** Resident set size of the training process, bytes. */
  rss: number;
  /** Its JavaScript heap in use, bytes. */
  heapUsed: number;
  /** TensorFlow.js tensors alive. */
  tensors: number;
}

export function memoryLine(report: MemoryReport): string {
  return `${PREFIX}${JSON.stringify(report)}`;
}

/** The report a line of the process's output holds, if it is one. */
export function parseMemoryLine(line: string): MemoryReport | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  try {
    const r: unknown = JSON.parse(line.slice(PREFIX.length));
    return isRecord(r) && ['epoch', 'rss', 'heapUsed', 'tensors'].every((k) => isFiniteNumber(r[k]))
      ? (r as unknown as MemoryReport)
      : undefined;
  } catch {
    return undefined;
  }
}
