// `npm run sweep`: plans a sweep from its words (src/protocol/sweepPlan.ts), records it in
// `<weights folder>/<sweep name>/sweep.json`, and trains its runs one after another in the
// training process, each a normal checkpoint in the sweep's folder. `--continue <folder>` trains
// the runs a stopped sweep lacks. A failed run is reported and the next one starts; Ctrl-C
// cancels the running run and drops the rest (the finished ones stay). Exit codes: 0 every run
// done, 1 some failed, 2 bad arguments, 130 cancelled.
import * as path from 'node:path';
import { createSweepFolder, holdSweep, readSweepFolder, SweepFileError, type SweepFolder } from '../checkpoint/sweepFolder';
import type { FinalEvent } from '../client/workerClient';
import { percent, plural } from '../protocol/format';
import { defaultRunName } from '../protocol/runOptions';
import { SWEEP_FORMAT, SWEEP_VERSION, type SweepRecord } from '../protocol/sweepFormat';
import { parseSweepWords, planSweep, sweepBase, SweepError, sweepRunConfig, type SweepRun, sweepRunText } from '../protocol/sweepPlan';
import type { TrainingEvent } from '../protocol/training';
import { type Output, parseCommand, USAGE, UsageError } from './args';
import { Interrupts, startCliWorker } from './cliWorker';
import { TextReporter } from './report';

/** The option that goes on with a stopped sweep. */
export const CONTINUE_OPTION = 'continue';

/** The sweep to run: a new one (its folder not made yet) or one found on disk. */
interface SweepJob {
  sweep: () => SweepFolder;
  output: Output;
}

const OUTPUT_WORDS = new Set(['--json', '--verbose']);

/** The sweep's words as a job; throws UsageError. */
export function parseSweep(argv: string[], cwd = process.cwd(), now = new Date()): SweepJob {
  const output: Output = { json: argv.includes('--json'), verbose: argv.includes('--verbose') };
  const at = argv.findIndex((w) => w === `--${CONTINUE_OPTION}` || w.startsWith(`--${CONTINUE_OPTION}=`));
  if (at >= 0) {
    const inline = argv[at].split('=')[1];
    const dir = inline ?? argv[at + 1];
    const others = argv.filter((w, i) => i !== at && (inline !== undefined || i !== at + 1) && !OUTPUT_WORDS.has(w));
    if (!dir) throw new UsageError(`--${CONTINUE_OPTION} needs a sweep folder`);
    if (others.length)
      throw new UsageError(`--${CONTINUE_OPTION} takes only --json and --verbose besides the folder: a sweep keeps its plan`);
    return { sweep: () => readSweepFolder(path.resolve(cwd, dir)), output };
  }
  let parsed;
  try {
    parsed = parseSweepWords(argv);
  } catch (e) {
    if (e instanceof SweepError) throw new UsageError(e.message);
    throw e;
  }
  for (const own of ['--run-name', '--resume'])
    if (parsed.rest.some((w) => w === own || w.startsWith(`${own}=`)))
      throw new UsageError(`${own} cannot be given to a sweep: it names each run itself (--name names the sweep)`);
  const command = parseCommand(['train', ...parsed.rest], cwd, now);
  if (command.kind !== 'train') throw new UsageError('unexpected sweep arguments');
  const base = { ...sweepBase(command.config), origin: { from: 'cli' as const, args: ['sweep', ...argv] } };
  let runs;
  try {
    runs = planSweep(parsed.spec, base);
  } catch (e) {
    if (e instanceof SweepError) throw new UsageError(e.message);
    throw e;
  }
  const record: SweepRecord = {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    name: parsed.spec.name ?? defaultRunName(now, 'sweep'),
    createdAt: now.toISOString(),
    words: [...argv],
    base,
    runs,
  };
  return { sweep: () => createSweepFolder(command.config.weightsDir, record), output };
}

interface RunOutcome {
  name: string;
  final: FinalEvent;
}

function outcomeText({ name, final }: RunOutcome): string {
  switch (final.type) {
    case 'done':
      return `${name}  test accuracy ${percent(final.test.accuracy)}`;
    case 'cancelled':
      return `${name}  cancelled`;
    case 'diverged':
    case 'error':
      return `${name}  ${final.type === 'error' ? 'failed' : 'diverged'}: ${final.message.split('\n')[0]}`;
    default:
      return `${name}  ended with ${final.type}`;
  }
}

/** Trains `pending` one after another until the last or a cancel, each run's events printed; says each run's outcome into `outcomes`. */
async function trainRuns(
  pending: SweepRun[],
  { record, dir }: Pick<SweepFolder, 'record' | 'dir'>,
  output: Output,
  interrupts: Interrupts,
  outcomes: RunOutcome[],
): Promise<void> {
  const total = record.runs.length;
  for (const run of pending) {
    if (interrupts.interrupted) return;
    const index = record.runs.indexOf(run) + 1;
    if (output.json)
      process.stdout.write(`${JSON.stringify({ type: 'sweepRun', sweep: record.name, run: index, runs: total, name: run.name })}\n`);
    else process.stdout.write(`\n=== run ${index} of ${total}: ${run.name} (${sweepRunText(run)})\n`);
    const reporter = new TextReporter(process.stdout, process.stderr);
    const config = sweepRunConfig(record.base, run, dir);
    const onEvent = (e: TrainingEvent): void => {
      if (output.json) process.stdout.write(`${JSON.stringify(e)}\n`);
      else reporter.handle(e);
    };
    const final = await startCliWorker({ type: 'train', config }, output, reporter, onEvent, interrupts).finished;
    outcomes.push({ name: run.name, final });
    if (final.type === 'cancelled') return;
  }
}

/** Runs the sweep the words ask for; resolves with the exit code. */
export async function sweep(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let job: SweepJob;
  let folder: SweepFolder;
  let hold: { release(): void };
  try {
    job = parseSweep(argv);
    folder = job.sweep();
    hold = holdSweep(folder.dir);
  } catch (e) {
    if (e instanceof SweepFileError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const { record, dir, pending } = folder;
  const { json } = job.output;
  const say = (text: string): void => {
    if (!json) process.stdout.write(`${text}\n`);
  };
  const total = record.runs.length;
  say(
    `Sweep ${record.name}: ${plural(total, 'run')} in ${dir}` +
      (pending.length < total ? `; ${total - pending.length} done, ${pending.length} to go` : ''),
  );
  const notes = new TextReporter(process.stdout, process.stderr);
  const interrupts = new Interrupts(notes, 'cancelling this run; the sweep stops after it (Ctrl-C again to stop at once)');
  const outcomes: RunOutcome[] = [];
  try {
    await trainRuns(pending, folder, job.output, interrupts, outcomes);
  } finally {
    hold.release();
  }
  const done = outcomes.filter((o) => o.final.type === 'done').length;
  const left = pending.length - done;
  say(`\nSweep ${record.name}: ${done} of ${plural(pending.length, 'run')} done${pending.length < total ? ' this time' : ''}`);
  for (const o of outcomes) say(`  ${outcomeText(o)}`);
  if (left > 0)
    say(`${plural(left, 'run')} left; go on with: npm run sweep -- --${CONTINUE_OPTION} ${path.relative(process.cwd(), dir) || dir}`);
  if (json) process.stdout.write(`${JSON.stringify({ type: 'sweepDone', sweep: record.name, dir, done, left })}\n`);
  // Ctrl-C as the last run ended cancelled nothing: every run is done.
  if (outcomes.some((o) => o.final.type === 'cancelled') || (interrupts.interrupted && left > 0)) return 130;
  return left > 0 ? 1 : 0;
}
