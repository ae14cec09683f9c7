// The messages between the training process and its replicas (replica.ts), over IPC. The weights
// and the gradient do not travel in them: they go through the replica's exchange file
// (exchangeFile.ts); a message says when and which rows.
import { isRecord } from '../protocol/guards';
import type { ModelSpec } from '../protocol/checkpoint';
import type { OpProfile } from './rawOps';

/** Where a replica's step went: each op's time, and the whole step's (gathering the rows included). */
export interface StepProfile {
  ops: OpProfile[];
  stepMs: number;
}

export type ReplicaCommand =
  /** Load TensorFlow and the training images (the same subset as the run's); `exchange` is its exchange file. */
  | { type: 'init'; spec: ModelSpec; dataDir?: string; trainSize?: number; exchange: string }
  /**
   * The gradient of the rows `indices` for the weights in the exchange file, scaled by `scale`
   * (1 / the batch's size), written back to the file; with `profile`, also the time of each op.
   */
  | { type: 'step'; indices: Int32Array; scale: number; profile?: boolean };

export type ReplicaReply =
  | { type: 'ready' }
  /** The gradient is in the exchange file. */
  | { type: 'gradient'; lossSum: number; correct: number; profile?: StepProfile }
  | { type: 'failed'; message: string };

export function isReplicaCommand(v: unknown): v is ReplicaCommand {
  if (!isRecord(v)) return false;
  if (v.type === 'init') return isRecord(v.spec) && typeof v.exchange === 'string';
  return v.type === 'step' && v.indices instanceof Int32Array && typeof v.scale === 'number';
}

export function isReplicaReply(v: unknown): v is ReplicaReply {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'gradient':
      return typeof v.lossSum === 'number' && typeof v.correct === 'number';
    case 'failed':
      return typeof v.message === 'string';
    default:
      return false;
  }
}
