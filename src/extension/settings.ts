// Reads the `lstmMnist.*` settings into the worker's TrainConfig / EvaluateRequest with the run
// options' rules (src/protocol/runOptions.ts), and says exactly which setting is wrong. VS Code only
// warns about values outside the schema in the settings editor; a hand-edited settings.json can
// hold anything, so every value is checked. No `vscode` import: the caller passes the getter,
// which keeps this testable under plain Node.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BACKEND,
  BACKEND_CHOICES,
  DEFAULT_BACKEND,
  choiceProblem,
  configValue,
  DEFAULT_DEVICE,
  DEFAULT_TRAINING_PATH,
  DEVICE_CHOICES,
  KEEP_BEST,
  NUMBER_RULES,
  TENSORBOARD,
  numberProblem,
  numberRule,
  type NumberRule,
  settingId,
} from '../protocol/runOptions';
import { isInside } from '../checkpoint/folderBounds';
import type { BackendChoice, DeviceChoice } from '../protocol/compute';
import { type EvaluateRequest, isSettingValue, type SettingValue, type TrainConfig } from '../protocol/training';
import { DEFAULT_SCHEDULE, LR_SCHEDULE, SCHEDULE_CHOICES } from '../protocol/learningRate';
import { CELL, CELL_CHOICES, DEFAULT_CELL } from '../protocol/architecture';

/** Reads one setting below `lstmMnist.` (e.g. `cfg.get`). */
export type SettingGetter = (key: string) => unknown;

export interface SettingProblem {
  /** The full id, e.g. `lstmMnist.learningRate`: the settings editor opens on it. */
  setting: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: SettingProblem[] };

/** Collects problems while reading, so the user sees all bad settings at once. */
class Reader {
  readonly problems: SettingProblem[] = [];

  constructor(private readonly get: SettingGetter) {}

  private fail(key: string, problem: string): void {
    this.problems.push({ setting: settingId(key), message: `${settingId(key)} ${problem}.` });
  }

  number(rule: NumberRule): number | undefined {
    const v = this.get(rule.setting);
    const problem = numberProblem(rule, v);
    if (problem) this.fail(rule.setting, problem);
    return configValue(rule, problem ? rule.default : (v as number));
  }

  flag(key: string, fallback: boolean): boolean {
    const v = this.get(key) ?? fallback;
    if (typeof v === 'boolean') return v;
    this.fail(key, `must be true or false (it is ${JSON.stringify(v)})`);
    return fallback;
  }

  choice<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const v = this.get(key);
    const problem = choiceProblem(choices, v);
    if (problem) this.fail(key, problem);
    return problem ? fallback : (v as T);
  }

  device(): DeviceChoice {
    return this.choice('device', DEVICE_CHOICES, DEFAULT_DEVICE);
  }

  backend(): BackendChoice {
    return this.choice(BACKEND.setting, BACKEND_CHOICES, DEFAULT_BACKEND);
  }

  /** The data folder as an absolute path, or undefined for the MNIST bundled with the extension. */
  async dataDir(folder: string): Promise<string | undefined> {
    const v = this.get('dataFolder') ?? '';
    if (typeof v !== 'string') {
      this.fail('dataFolder', `must be a folder path (it is ${JSON.stringify(v)})`);
      return undefined;
    }
    if (v.trim() === '') return undefined;
    const dir = path.resolve(folder, v.trim());
    const stat = await fs.promises.stat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) this.fail('dataFolder', `names no folder: there is no ${dir}`);
    return dir;
  }

  done<T>(value: T): Checked<T> {
    return this.problems.length === 0 ? { ok: true, value } : { ok: false, problems: this.problems };
  }
}

/** `lstmMnist.device`, the default when it is not a valid choice (Train and Evaluate report that). */
export function readDevice(get: SettingGetter): DeviceChoice {
  const v = get('device');
  return choiceProblem(DEVICE_CHOICES, v) ? DEFAULT_DEVICE : (v as DeviceChoice);
}

/** `lstmMnist.backend`, the default when it is not a valid choice (Train and Evaluate report that). */
export function readBackend(get: SettingGetter): BackendChoice {
  const v = get(BACKEND.setting);
  return choiceProblem(BACKEND_CHOICES, v) ? DEFAULT_BACKEND : (v as BackendChoice);
}

/** Where checkpoints live: `lstmMnist.weightsFolder`, relative to the workspace folder. */
export function readWeightsDir(get: SettingGetter, folder: string): Checked<string> {
  const v = get('weightsFolder');
  const bad = (why: string): Checked<string> => ({
    ok: false,
    problems: [{ setting: settingId('weightsFolder'), message: `${settingId('weightsFolder')} ${why}.` }],
  });
  if (typeof v !== 'string' || v.trim() === '') return bad(`must be a folder path (it is ${JSON.stringify(v)})`);
  const dir = path.resolve(folder, v.trim());
  // Every subfolder of the weights folder is taken for a checkpoint, so it cannot hold the workspace.
  if (path.relative(dir, folder) === '' || isInside(dir, folder)) {
    return bad(`must not be the workspace folder or a folder that contains it (it is ${JSON.stringify(v)})`);
  }
  return { ok: true, value: dir };
}

/** `lstmMnist.cell`, recorded only when it is not the LSTM (the seed's, and the default). */
function cellSetting(r: Reader): Pick<TrainConfig, 'cell'> {
  const cell = r.choice(CELL.setting, CELL_CHOICES, DEFAULT_CELL);
  return cell === DEFAULT_CELL ? {} : { cell };
}

/** `lstmMnist.learningRateSchedule`, recorded only when it is not constant (the seed's, and the default). */
function scheduleSetting(r: Reader): Pick<TrainConfig, 'lrSchedule'> {
  const name = r.choice(LR_SCHEDULE.setting, SCHEDULE_CHOICES, DEFAULT_SCHEDULE);
  return name === DEFAULT_SCHEDULE ? {} : { lrSchedule: name };
}

export async function readTrainConfig(get: SettingGetter, folder: string, runName: string): Promise<Checked<TrainConfig>> {
  // Every setting the run reads, as it reads it: the checkpoint records where the run came from.
  const settings: Record<string, SettingValue> = {};
  const recording: SettingGetter = (key) => {
    const v = get(key);
    if (isSettingValue(v)) settings[settingId(key)] = v;
    return v;
  };
  const r = new Reader(recording);
  const weights = readWeightsDir(recording, folder);
  if (!weights.ok) r.problems.push(...weights.problems);
  const numbers = Object.fromEntries(NUMBER_RULES.map((rule) => [rule.field, r.number(rule)])) as Pick<TrainConfig, NumberRule['field']>;
  const config: TrainConfig = {
    ...numbers,
    dataDir: await r.dataDir(folder),
    weightsDir: weights.ok ? weights.value : '',
    runName,
    device: r.device(),
    backend: r.backend(),
    kernels: DEFAULT_TRAINING_PATH,
    ...cellSetting(r),
    ...scheduleSetting(r),
    ...(r.flag(KEEP_BEST.setting, false) ? { keepBest: true } : {}),
    ...(r.flag(TENSORBOARD.setting, true) ? {} : { tensorBoard: false }),
    origin: { from: 'vscode', settings },
  };
  return r.done(config);
}

export async function readEvaluateRequest(get: SettingGetter, folder: string, checkpoint: string): Promise<Checked<EvaluateRequest>> {
  const r = new Reader(get);
  const request: EvaluateRequest = {
    checkpoint,
    dataDir: await r.dataDir(folder),
    testSize: r.number(numberRule('testSize')),
    device: r.device(),
    backend: r.backend(),
  };
  return r.done(request);
}
