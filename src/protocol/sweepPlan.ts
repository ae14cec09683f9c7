// A sweep: the runs that a grid of hyperparameters (or N random samples of their ranges) makes,
// each repeated with a number of seeds. The same words drive `npm run sweep` and Start Sweep…:
// every training number option takes a list (`--units 64,128`), or with `--random N` a range
// (`--learning-rate 0.001:0.1`, sampled on a log scale for rates); the options that take a word
// (`--cell lstm,gru`, `--lr-schedule`) take a list of words; `--seeds K` repeats each
// configuration with the seeds seed, seed+1, …, seed+K-1. Free of Node: the CLI and the
// extension plan with it, and the plan is recorded (sweep.json) rather than planned again.
import { CELL, CELL_CHOICES } from './architecture';
import { LR_SCHEDULE, SCHEDULE_CHOICES } from './learningRate';
import {
  choiceProblem,
  type NumberField,
  NUMBER_RULES,
  numberProblem,
  numberRule,
  type NumberRule,
  configValue,
  runNameProblem,
} from './runOptions';
import { seededRandom } from './seededRandom';
import type { TrainConfig } from './training';

/** The most runs one sweep may plan: a typo in a grid should not queue a week of training. */
export const MAX_SWEEP_RUNS = 1000;
/** The most seeds per configuration. */
export const MAX_SWEEP_SEEDS = 100;

/** The sweep's own options, beside the training options. */
export const SWEEP_OPTIONS = {
  seeds: { option: 'seeds', summary: 'run each configuration with K seeds: seed, seed+1, … (1)' },
  random: { option: 'random', summary: 'N random configurations from the lists and ranges instead of the grid' },
  name: { option: 'name', summary: 'the sweep folder under the weights folder (sweep-<date>-<time>)' },
} as const;

/** What the words say wrong, in the words' own terms (`--units must be …`). */
export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

/** The options a sweep can vary that take a word, not a number. */
export type ChoiceField = 'cell' | 'lrSchedule';

/** An option that takes a word: its field, its `--option` and the words it takes. */
export interface ChoiceAxis {
  field: ChoiceField;
  option: string;
  choices: readonly string[];
}

export const CHOICE_AXES: readonly ChoiceAxis[] = [
  { field: 'cell', option: CELL.option, choices: CELL_CHOICES },
  { field: 'lrSchedule', option: LR_SCHEDULE.option, choices: SCHEDULE_CHOICES },
];

/** An option a sweep can vary. */
export type SweepField = NumberField | ChoiceField;

/** One option's values: a list (a grid axis, or choices for random samples), or a range of a number (random samples only). */
export type AxisValues = { values: Array<number | string> } | { range: [number, number] };

export interface SweepSpec {
  /** In the order the words give them (the first changes slowest). */
  axes: Partial<Record<SweepField, AxisValues>>;
  /** Runs per configuration, with consecutive seeds. */
  seeds: number;
  /** N random configurations rather than the grid. */
  random?: number;
  /** The sweep's folder name. */
  name?: string;
}

/** What every run of a sweep shares: a TrainConfig without the place and name that each run gets. */
export type SweepBase = Omit<TrainConfig, 'weightsDir' | 'runName' | 'resume'>;

/** A run's config without its place, name and checkpoint to continue: what a sweep records as its base. */
export function sweepBase(config: TrainConfig): SweepBase {
  const base: Partial<TrainConfig> = { ...config };
  delete base.weightsDir;
  delete base.runName;
  delete base.resume;
  return base as SweepBase;
}

/** What a run of a sweep varies: numbers, and the words of the options that take one. */
export type SweepValues = Partial<Record<NumberField, number>> & Partial<Record<ChoiceField, string>>;

/** One run of a sweep: its folder name and the values it trains with (the seed among them). */
export interface SweepRun {
  name: string;
  values: SweepValues;
}

const RULE_OF_OPTION = new Map(NUMBER_RULES.map((r) => [r.option, r]));
const CHOICE_OF_OPTION = new Map(CHOICE_AXES.map((c) => [c.option, c]));

/** A number option, or an option that takes a word, as an axis of the plan: its field and its part of a run's name. */
type Axis = { field: SweepField; option: string; namePart: (value: number | string) => string };

function axisOf(field: SweepField): Axis {
  const choice = CHOICE_AXES.find((c) => c.field === field);
  if (choice) return { field, option: choice.option, namePart: (v) => String(v) };
  const rule = numberRule(field as NumberField);
  return { field, option: rule.option, namePart: (v) => `${rule.short}${v}` };
}

function choiceValues(axis: ChoiceAxis, text: string): AxisValues {
  const values = [...new Set(text.split(',').map((v) => v.trim()))];
  for (const value of values) {
    const problem = choiceProblem(axis.choices, value);
    if (problem) throw new SweepError(`--${axis.option} ${problem.replace(/\(it is .*\)$/, `(got "${value}")`)}`);
  }
  return { values };
}

function wholeNumber(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
    throw new SweepError(`--${option} must be a whole number from ${min} to ${max} (got "${text}")`);
  return value;
}

function checkedValue(rule: NumberRule, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const problem = numberProblem(rule, value);
  if (problem) throw new SweepError(`--${rule.option} ${problem.replace(/\(it is .*\)$/, `(got "${text}")`)}`);
  return value;
}

function axisValues(rule: NumberRule, text: string): AxisValues {
  const bounds = text.split(':');
  if (bounds.length === 2) {
    const [low, high] = bounds.map((b) => checkedValue(rule, b));
    if (!(low < high)) throw new SweepError(`--${rule.option} ${text}: a range goes from a lower to a higher value`);
    return { range: [low, high] };
  }
  if (bounds.length > 2) throw new SweepError(`--${rule.option} ${text}: a range is two values, low:high`);
  return { values: [...new Set(text.split(',').map((v) => checkedValue(rule, v)))] };
}

/**
 * The sweep's words, and the other words (the training options that every run shares, left for
 * the caller's own parser, in their order). Throws SweepError.
 */
export function parseSweepWords(words: readonly string[]): { spec: SweepSpec; rest: string[] } {
  const spec: SweepSpec = { axes: {}, seeds: 1 };
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(words[i]);
    const option = match?.[1];
    const rule = option === undefined ? undefined : RULE_OF_OPTION.get(option);
    const choice = option === undefined ? undefined : CHOICE_OF_OPTION.get(option);
    const ours = rule !== undefined || choice !== undefined || Object.values(SWEEP_OPTIONS).some((o) => o.option === option);
    if (!match || !ours) {
      rest.push(words[i]);
      continue;
    }
    let text = match[2];
    if (text === undefined) {
      text = words[++i];
      if (text === undefined) throw new SweepError(`--${option} needs a value`);
    }
    const field = rule?.field ?? choice?.field;
    if (field) {
      if (spec.axes[field]) throw new SweepError(`--${option} is given twice: give its values as one list, a,b,c`);
      spec.axes[field] = rule ? axisValues(rule, text) : choiceValues(choice!, text);
    } else if (option === SWEEP_OPTIONS.seeds.option) spec.seeds = wholeNumber(option, text, 1, MAX_SWEEP_SEEDS);
    else if (option === SWEEP_OPTIONS.random.option) spec.random = wholeNumber(option, text, 1, MAX_SWEEP_RUNS);
    else {
      const problem = runNameProblem(text);
      if (problem) throw new SweepError(`--${option} ${problem}`);
      spec.name = text;
    }
  }
  const seedAxis = spec.axes.seed;
  if (seedAxis && 'range' in seedAxis) throw new SweepError('--seed takes one value or a list, not a range');
  if (seedAxis && seedAxis.values.length > 1 && spec.seeds > 1)
    throw new SweepError('--seed with several values and --seeds together: give one of them');
  if (spec.random === undefined) {
    const ranged = NUMBER_RULES.find((r) => spec.axes[r.field] && 'range' in spec.axes[r.field]!);
    if (ranged) throw new SweepError(`--${ranged.option}: a range (low:high) needs --random N; a grid takes a list, a,b,c`);
  }
  return { spec, rest };
}

/** A sampled value as a sweep records it: whole numbers for whole-number options, else 3 significant digits. */
function sampled(rule: NumberRule, [low, high]: [number, number], u: number): number {
  const raw = rule.logScale && low > 0 ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
  const value = rule.integer ? Math.round(raw) : Number(raw.toPrecision(3));
  return Math.min(high, Math.max(low, value));
}

/** Every configuration of the grid, the first option's values changing slowest. */
function gridConfigs(lists: Array<[SweepField, Array<number | string>]>): SweepValues[] {
  let configs: SweepValues[] = [{}];
  for (const [field, values] of lists) configs = configs.flatMap((c) => values.map((v) => ({ ...c, [field]: v })));
  return configs;
}

/**
 * The sweep's runs over `base` (every option the words do not give): each configuration, then
 * its seeds. Random samples are drawn from the base seed, so the same words plan the same sweep.
 */
export function planSweep(spec: SweepSpec, base: SweepBase): SweepRun[] {
  // In the order the words give them: the first changes slowest.
  const rules = (Object.keys(spec.axes) as SweepField[]).filter((f) => f !== 'seed').map(axisOf);
  const seedAxis = spec.axes.seed as { values: number[] } | undefined;
  const firstSeed = Number(seedAxis?.values[0] ?? base.seed);
  const seeds =
    seedAxis && seedAxis.values.length > 1 ? seedAxis.values.map(Number) : Array.from({ length: spec.seeds }, (_, k) => firstSeed + k);
  const configCount = spec.random ?? rules.reduce((n, r) => n * (spec.axes[r.field] as { values: number[] }).values.length, 1);
  if (configCount * seeds.length > MAX_SWEEP_RUNS)
    throw new SweepError(`the sweep plans ${configCount * seeds.length} runs; at most ${MAX_SWEEP_RUNS} are allowed`);
  let configs: SweepValues[];
  if (spec.random === undefined) {
    configs = gridConfigs(rules.map((r) => [r.field, (spec.axes[r.field] as { values: number[] }).values]));
  } else {
    const random = seededRandom(firstSeed);
    configs = Array.from({ length: spec.random }, () =>
      Object.fromEntries(
        rules.map((r) => {
          const axis = spec.axes[r.field]!;
          const u = random();
          return [
            r.field,
            'range' in axis ? sampled(numberRule(r.field as NumberField), axis.range, u) : axis.values[Math.floor(u * axis.values.length)],
          ];
        }),
      ),
    );
  }
  const varying = rules.filter((r) => {
    const axis = spec.axes[r.field]!;
    return 'range' in axis || axis.values.length > 1;
  });
  const total = configs.length * seeds.length;
  const width = String(total).length;
  return configs.flatMap((config, c) =>
    seeds.map((seed, s) => {
      const index = String(c * seeds.length + s + 1).padStart(width, '0');
      const parts = [...varying.map((r) => r.namePart(config[r.field]!)), `seed${seed}`];
      const long = [index, ...parts].join('-');
      return { name: runNameProblem(long) ? `${index}-seed${seed}` : long, values: { ...config, seed } };
    }),
  );
}

/** A run's TrainConfig: the sweep's base with the run's values, saved as `<sweepDir>/<run name>`. */
export function sweepRunConfig(base: SweepBase, run: SweepRun, sweepDir: string): TrainConfig {
  // 0 = all (or off), in the base as in the run's values: a record read from disk may hold either.
  const merged: SweepValues = { ...base, ...run.values };
  const numbers = Object.fromEntries(
    NUMBER_RULES.filter((r) => merged[r.field] !== undefined).map((r) => [r.field, configValue(r, merged[r.field]!)]),
  );
  const words = Object.fromEntries(CHOICE_AXES.filter((c) => merged[c.field] !== undefined).map((c) => [c.field, merged[c.field]]));
  return { ...base, ...numbers, ...words, weightsDir: sweepDir, runName: run.name };
}

/** The run's values in words: "cell gru, learning-rate 0.003, units 64, seed 42". */
export function sweepRunText(run: SweepRun): string {
  return [...CHOICE_AXES, ...NUMBER_RULES]
    .filter((r) => run.values[r.field] !== undefined)
    .map((r) => `${r.option} ${run.values[r.field]}`)
    .join(', ');
}
