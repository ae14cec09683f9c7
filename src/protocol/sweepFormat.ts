// A sweep's record, sweep.json in its folder beside its runs: the words it was started with, the
// options its runs share and every run it planned. A run is done when its checkpoint exists, so the
// record is written once and never changes: a crash cannot corrupt it, and the rest of the sweep
// can be run again from it. The record is read from disk: every field is checked before use, and
// the folder comes from where the file lies, never from inside it.
import { isRecord } from './guards';
import { choiceProblem, configProblems, NUMBER_RULES, numberProblem, runNameProblem, CLI_NAME } from './runOptions';
import { CHOICE_AXES, type SweepBase, type SweepRun } from './sweepPlan';
import type { TrainConfig } from './training';

export const SWEEP_FILE = 'sweep.json';
export const SWEEP_FORMAT = 'lstm-mnist-sweep';
export const SWEEP_VERSION = 1;

export interface SweepRecord {
  format: typeof SWEEP_FORMAT;
  version: number;
  /** The sweep's folder name. */
  name: string;
  /** ISO 8601 time the sweep was planned. */
  createdAt: string;
  /** The sweep's words (`--units 64,128 --seeds 2`), as given. */
  words: string[];
  base: SweepBase;
  runs: SweepRun[];
}

function runProblem(run: unknown, index: number): string | undefined {
  if (!isRecord(run) || !isRecord(run.values)) return `run ${index + 1} is not a name and values`;
  const name = runNameProblem(run.name);
  if (name) return `run ${index + 1}'s name ${name}`;
  for (const [field, value] of Object.entries(run.values)) {
    const rule = NUMBER_RULES.find((r) => r.field === field);
    const choice = CHOICE_AXES.find((c) => c.field === field);
    if (!rule && !choice) return `run ${run.name as string} has an unknown option "${field}"`;
    const problem = rule ? numberProblem(rule, value) : choiceProblem(choice!.choices, value);
    if (problem) return `run ${run.name as string}'s ${field} ${problem}`;
  }
  return undefined;
}

/** What is wrong with a parsed sweep.json, or undefined when it is a sweep record this version reads. */
export function sweepRecordProblem(v: unknown): string | undefined {
  if (!isRecord(v) || v.format !== SWEEP_FORMAT) return `not a sweep record (format is not "${SWEEP_FORMAT}")`;
  if (v.version !== SWEEP_VERSION) return `written by another version of the extension (format version ${String(v.version)})`;
  const name = runNameProblem(v.name);
  if (name) return `its name ${name}`;
  if (typeof v.createdAt !== 'string') return 'it has no creation time';
  if (!Array.isArray(v.words) || !v.words.every((w) => typeof w === 'string')) return 'its words are not a list of strings';
  if (!isRecord(v.base)) return 'it has no base options';
  // Each run's place, name and start are its own, never the record's.
  const own = (['weightsDir', 'runName', 'resume'] as const).find((k) => k in (v.base as object));
  if (own)
    return `its base options name a ${own === 'resume' ? 'checkpoint to continue' : own === 'runName' ? 'run' : 'folder'}, which only a run has`;
  // The folder and name are each run's own; the check needs them present.
  const base = configProblems({ ...(v.base as unknown as TrainConfig), weightsDir: '.', runName: 'run' }, CLI_NAME);
  if (base.length) return `its base options are wrong: ${base.join('; ')}`;
  if (v.base.dataDir !== undefined && typeof v.base.dataDir !== 'string') return 'its data folder is not a path';
  if (!Array.isArray(v.runs) || v.runs.length === 0) return 'it plans no runs';
  for (let i = 0; i < v.runs.length; i++) {
    const problem = runProblem(v.runs[i], i);
    if (problem) return problem;
  }
  const names = new Set(v.runs.map((r: { name: string }) => r.name));
  if (names.size !== v.runs.length) return 'two of its runs have the same name';
  return undefined;
}
