// Reads the `lstmMnist.*` settings into the worker's TrainConfig / EvaluateRequest and says
// exactly which setting is wrong. VS Code only warns about values outside the schema in the
// settings editor; a hand-edited settings.json can hold anything, so every value is checked.
// No `vscode` import: the caller passes the getter, which keeps this testable under plain Node.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeviceChoice, EvaluateRequest, TrainConfig } from '../protocol/training';
import { DEVICE_CHOICES } from '../training/config';

/** Reads one setting below `lstmMnist.` (e.g. `cfg.get`). */
export type SettingGetter = (key: string) => unknown;

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };


/** Collects problems while reading, so the user sees all bad settings at once. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly get: SettingGetter) {}

  int(key: string, min: number, fallback: number): number {
    const v = this.get(key);
    if (Number.isSafeInteger(v) && (v as number) >= min) return v as number;
    this.problems.push(`lstmMnist.${key} must be a whole number of at least ${min} (it is ${JSON.stringify(v)}).`);
    return fallback;
  }

  /** A count where 0 means "all"; returned as undefined then, as TrainConfig expects. */
  optionalCount(key: string): number | undefined {
    const n = this.int(key, 0, 0);
    return n === 0 ? undefined : n;
  }

  positive(key: string, fallback: number): number {
    const v = this.get(key);
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
    this.problems.push(`lstmMnist.${key} must be a number greater than 0 (it is ${JSON.stringify(v)}).`);
    return fallback;
  }

  device(): DeviceChoice {
    const v = this.get('device');
    if (DEVICE_CHOICES.includes(v as DeviceChoice)) return v as DeviceChoice;
    this.problems.push(`lstmMnist.device must be one of ${DEVICE_CHOICES.join(', ')} (it is ${JSON.stringify(v)}).`);
    return 'auto';
  }

  /** The data folder as an absolute path, or undefined for the MNIST bundled with the extension. */
  async dataDir(folder: string): Promise<string | undefined> {
    const v = this.get('dataFolder') ?? '';
    if (typeof v !== 'string') {
      this.problems.push(`lstmMnist.dataFolder must be a folder path (it is ${JSON.stringify(v)}).`);
      return undefined;
    }
    if (v.trim() === '') return undefined;
    const dir = path.resolve(folder, v.trim());
    const stat = await fs.promises.stat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) this.problems.push(`lstmMnist.dataFolder: there is no folder ${dir}.`);
    return dir;
  }

  done<T>(value: T): Checked<T> {
    return this.problems.length === 0 ? { ok: true, value } : { ok: false, problems: this.problems };
  }
}

/** `lstmMnist.device`, `auto` when it is not a valid choice (Train and Evaluate report that). */
export function readDevice(get: SettingGetter): DeviceChoice {
  const v = get('device');
  return DEVICE_CHOICES.includes(v as DeviceChoice) ? v as DeviceChoice : 'auto';
}

/** Where checkpoints live: `lstmMnist.weightsFolder`, relative to the workspace folder. */
export function readWeightsDir(get: SettingGetter, folder: string): Checked<string> {
  const v = get('weightsFolder');
  if (typeof v !== 'string' || v.trim() === '') {
    return { ok: false, problems: [`lstmMnist.weightsFolder must be a folder path (it is ${JSON.stringify(v)}).`] };
  }
  const dir = path.resolve(folder, v.trim());
  // Every subfolder of the weights folder is taken for a checkpoint, so it cannot hold the workspace.
  const up = path.relative(dir, folder);
  if (up === '' || (!up.startsWith('..') && !path.isAbsolute(up))) {
    return { ok: false, problems: [`lstmMnist.weightsFolder must not be the workspace folder or a folder that contains it (it is ${JSON.stringify(v)}).`] };
  }
  return { ok: true, value: dir };
}

export async function readTrainConfig(get: SettingGetter, folder: string, runName: string): Promise<Checked<TrainConfig>> {
  const r = new Reader(get);
  const weights = readWeightsDir(get, folder);
  if (!weights.ok) r.problems.push(...weights.problems);
  const config: TrainConfig = {
    units: r.int('units', 1, 128),
    batchSize: r.int('batchSize', 1, 100),
    epochs: r.int('epochs', 1, 2),
    learningRate: r.positive('learningRate', 0.01),
    seed: r.int('seed', 0, 42),
    trainSize: r.optionalCount('trainSize'),
    testSize: r.optionalCount('testSize'),
    dataDir: await r.dataDir(folder),
    weightsDir: weights.ok ? weights.value : '',
    runName,
    device: r.device(),
  };
  return r.done(config);
}

export async function readEvaluateRequest(get: SettingGetter, folder: string, checkpoint: string): Promise<Checked<EvaluateRequest>> {
  const r = new Reader(get);
  const request: EvaluateRequest = {
    checkpoint,
    dataDir: await r.dataDir(folder),
    testSize: r.optionalCount('testSize'),
    device: r.device(),
  };
  return r.done(request);
}

/** `lstm-yyyyMMdd-HHmmss` in local time: sorts by date and reads as one. */
export function runNameFor(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `lstm-${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}`
    + `-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}
