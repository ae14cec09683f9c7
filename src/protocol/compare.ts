// The comparison panel's messages: the host reads the selected checkpoints' metadata (no
// TensorFlow) and sends each run as it was recorded; the webview asks for them with `ready`
// (it reloads whenever it is shown again). Checked on arrival, as the training panel's are.
import type { CheckpointMeta } from './checkpointFormat';
import { isRecord } from './guards';

/** What the comparison shows of a run: its checkpoint's record. */
export type ComparedRun = Pick<
  CheckpointMeta,
  | 'name'
  | 'createdAt'
  | 'hyperparameters'
  | 'model'
  | 'epochs'
  | 'test'
  | 'device'
  | 'dataset'
  | 'seconds'
  | 'bestEpoch'
  | 'continuedFrom'
  | 'stoppedEarly'
> & {
  /** The checkpoint folder. */
  path: string;
};

export type HostToCompare = { type: 'runs'; runs: ComparedRun[] };
export type CompareToHost = { type: 'ready' };

export function comparedRun(path: string, meta: CheckpointMeta): ComparedRun {
  const { name, createdAt, hyperparameters, model, epochs, test, device, dataset, seconds, bestEpoch, continuedFrom, stoppedEarly } = meta;
  return { path, name, createdAt, hyperparameters, model, epochs, test, device, dataset, seconds, bestEpoch, continuedFrom, stoppedEarly };
}

function isComparedRun(v: unknown): v is ComparedRun {
  return (
    isRecord(v) &&
    typeof v.name === 'string' &&
    typeof v.path === 'string' &&
    isRecord(v.hyperparameters) &&
    isRecord(v.model) &&
    Array.isArray(v.epochs) &&
    v.epochs.every((e) => isRecord(e) && typeof e.epoch === 'number') &&
    isRecord(v.test) &&
    isRecord(v.device) &&
    isRecord(v.dataset)
  );
}

export function isHostToCompare(v: unknown): v is HostToCompare {
  return isRecord(v) && v.type === 'runs' && Array.isArray(v.runs) && v.runs.every(isComparedRun);
}

export function isCompareToHost(v: unknown): v is CompareToHost {
  return isRecord(v) && v.type === 'ready';
}
