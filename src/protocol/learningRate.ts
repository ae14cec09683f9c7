// The learning rate of each epoch: constant (the seed's), step decay, exponential decay, cosine,
// or Keras' ReduceLROnPlateau on the test loss. A pure function of the epoch and the epochs before
// it (their test losses), so a continued run goes on with the rate it would have had in one run
// (cosine excepted: its curve spans the run's epochs, which continuing lengthens), with nothing to
// save, and the CLI, the panel and the tests compute the same rates.

export type ScheduleName = 'constant' | 'step' | 'exponential' | 'cosine' | 'plateau';
export const SCHEDULE_CHOICES: readonly ScheduleName[] = ['constant', 'step', 'exponential', 'cosine', 'plateau'];
export const DEFAULT_SCHEDULE: ScheduleName = 'constant';

/** The choice's names: `lstmMnist.learningRateSchedule`, `--lr-schedule`. */
export const LR_SCHEDULE = { setting: 'learningRateSchedule', option: 'lr-schedule' } as const;

/** A test loss must fall by more than this to count as better (Keras' min_delta). */
export const PLATEAU_MIN_DELTA = 1e-4;

export interface Schedule {
  name: ScheduleName;
  /** The factor a decay multiplies the rate by (step, exponential, plateau). */
  decay: number;
  /** Step decay: the rate falls every this many epochs. */
  stepEpochs: number;
  /** Plateau: the epochs without a better test loss before the rate falls. */
  patience: number;
  /** No schedule takes the rate below this. */
  minimum: number;
}

/**
 * The rate epoch `epoch` (from 1) trains with, in a run of `totalEpochs` whose earlier epochs are
 * `before` (the plateau schedule reads their test losses).
 */
export function epochLearningRate(
  base: number,
  s: Schedule,
  epoch: number,
  totalEpochs: number,
  before: ReadonlyArray<{ epoch: number; valLoss: number }>,
): number {
  // A floor above the base rate never raises it (Keras reduces only while the rate is above its min_lr).
  const minimum = Math.min(s.minimum, base);
  const floor = (rate: number): number => Math.max(rate, minimum);
  switch (s.name) {
    case 'constant':
      return base;
    case 'step':
      return floor(base * s.decay ** Math.floor((epoch - 1) / s.stepEpochs));
    case 'exponential':
      return floor(base * s.decay ** (epoch - 1));
    case 'cosine':
      // Keras' CosineDecay over the run's epochs: the first at the base rate, towards the minimum.
      return minimum + ((base - minimum) * (1 + Math.cos((Math.PI * (epoch - 1)) / totalEpochs))) / 2;
    case 'plateau': {
      let rate = base;
      let best = Number.POSITIVE_INFINITY;
      let wait = 0;
      for (const e of before.filter((m) => m.epoch < epoch)) {
        if (e.valLoss < best - PLATEAU_MIN_DELTA) {
          best = e.valLoss;
          wait = 0;
        } else if (++wait >= s.patience) {
          rate = floor(rate * s.decay);
          wait = 0;
        }
      }
      return rate;
    }
  }
}

/** The schedule in words, with the numbers it reads: "step: × 0.5 every 2 epochs, at least 0.0001". */
export function scheduleText(s: Schedule): string {
  const floor = s.minimum > 0 ? `, at least ${s.minimum}` : '';
  switch (s.name) {
    case 'constant':
      return 'constant';
    case 'step':
      return `step: × ${s.decay} every ${s.stepEpochs === 1 ? 'epoch' : `${s.stepEpochs} epochs`}${floor}`;
    case 'exponential':
      return `exponential: × ${s.decay} each epoch${floor}`;
    case 'cosine':
      return `cosine over the run's epochs, down to ${s.minimum}`;
    case 'plateau':
      return `× ${s.decay} after ${s.patience === 1 ? 'an epoch' : `${s.patience} epochs`} without a better test loss${floor}`;
  }
}

/**
 * Whether a run's epochs are shown with their learning rates: under a schedule, or when the rates
 * differ (a continued run's earlier epochs).
 */
export function showsEpochRates(schedule: ScheduleName | undefined, epochs: ReadonlyArray<{ learningRate?: number }>): boolean {
  const known = epochs.flatMap((e) => (e.learningRate === undefined ? [] : [e.learningRate]));
  return (schedule !== undefined && schedule !== DEFAULT_SCHEDULE) || new Set(known).size > 1;
}
