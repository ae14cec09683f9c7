// Start Sweep… and Continue Sweep…: a sweep's runs queued in the job runner one after another,
// each a normal checkpoint in the sweep's folder, followed in one cancellable notification
// ("run 5 of 12 · epoch 1/2 · …"), the status bar and the panel. Cancel stops the running run and
// drops the rest; the finished runs stay. The sweep's record (sweep.json) is written before the
// first run, so a reload or a crash loses no finished run: on the next start the extension
// offers to train the runs that are left.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  createSweepFolder,
  holdSweep,
  readSweepFolder,
  runNameReleased,
  SweepFileError,
  type SweepFolder,
  unfinishedSweeps,
} from '../checkpoint/sweepFolder';
import type { FinalEvent } from '../client/workerClient';
import { percent, plural } from '../protocol/format';
import { defaultRunName } from '../protocol/runOptions';
import { SWEEP_FORMAT, SWEEP_VERSION, type SweepRecord } from '../protocol/sweepFormat';
import { parseSweepWords, planSweep, type SweepBase, sweepBase, SweepError, sweepRunConfig, type SweepRun } from '../protocol/sweepPlan';
import type { SweepResult } from './api';
import type { CommandDeps } from './commandDeps';
import type { ActiveJob } from './jobRunner';
import { trackJob, withJobProgress } from './jobProgress';
import { showJobError, showResult, showSettingsProblems } from './notifications';
import { readTrainConfig } from './settings';
import { describeRun, runPrerequisites } from './trainCommand';
import { settingsOf, weightsDirOf, workspaceFolder } from './workspace';

/** How long a run waits for the process of a reloaded window to let go of its name. */
const RELEASE_WAIT_MS = 30_000;

/** What the input box starts with: a small grid a user edits rather than types from nothing. */
const EXAMPLE_WORDS = '--learning-rate 0.003,0.01 --units 64,128 --seeds 2';

/** The words as a plan over `base`, or what is wrong with them (the input box says it as the user types). */
/** The input box's text as words, as a shell would split it (no quotes: no value needs them). */
const splitWords = (text: string): string[] => text.trim().split(/\s+/).filter(Boolean);

function planFromWords(words: string, base: SweepBase): { runs: SweepRun[]; name?: string } | { problem: string } {
  try {
    const { spec, rest } = parseSweepWords(splitWords(words));
    if (rest.length)
      return {
        problem: `"${rest[0]}" is not a sweep option here: give the hyperparameters' lists and --seeds, --random, --name; the other options come from the settings`,
      };
    return { runs: planSweep(spec, base), name: spec.name };
  } catch (e) {
    if (e instanceof SweepError) return { problem: e.message };
    throw e;
  }
}

/**
 * Start Sweep…: asks for the sweep's words (unless `arg` gives them, for automation and tests),
 * plans it over the settings, writes its record and runs it.
 */
export async function startSweep(deps: CommandDeps, arg: unknown): Promise<SweepResult> {
  const folder = runPrerequisites(deps, 'A sweep');
  if (!folder.ok) return folder.result;
  const checked = await readTrainConfig(settingsOf(folder.folder), folder.folder.uri.fsPath, defaultRunName());
  if (!checked.ok) return { status: 'error', message: showSettingsProblems(checked.problems) };
  const base = sweepBase(checked.value);
  const words = typeof arg === 'string' ? arg : await askWords(base);
  if (words === undefined) return { status: 'cancelled' };
  const plan = planFromWords(words, base);
  if ('problem' in plan) {
    void vscode.window.showErrorMessage(`Start Sweep: ${plan.problem}.`);
    return { status: 'error', message: plan.problem };
  }
  const record: SweepRecord = {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    name: plan.name ?? defaultRunName(new Date(), 'sweep'),
    createdAt: new Date().toISOString(),
    words: splitWords(words),
    base,
    runs: plan.runs,
  };
  let sweep: SweepFolder;
  try {
    sweep = createSweepFolder(checked.value.weightsDir, record);
  } catch (e) {
    if (!(e instanceof SweepFileError)) throw e;
    return { status: 'error', message: showJobError('The sweep could not start', e.reason, deps.output) };
  }
  return runSweep(deps, sweep, folder.folder.uri.fsPath);
}

/** The input box names this many of the planned runs, then says how many more. */
const NAMED_RUNS = 6;

function runNames(runs: SweepRun[]): string {
  const named = runs.slice(0, NAMED_RUNS).map((r) => r.name);
  return runs.length > NAMED_RUNS ? `${named.join(', ')} and ${plural(runs.length - NAMED_RUNS, 'more', 'more')}` : named.join(', ');
}

async function askWords(base: SweepBase): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Start Sweep',
    prompt: 'Lists of values (a grid), --seeds K, or --random N with ranges low:high; every other option comes from the settings',
    value: EXAMPLE_WORDS,
    ignoreFocusOut: true,
    validateInput: (text) => {
      const plan = planFromWords(text, base);
      if ('problem' in plan) return { message: plan.problem, severity: vscode.InputBoxValidationSeverity.Error };
      return {
        message: `${plural(plan.runs.length, 'run')}: ${runNames(plan.runs)}`,
        severity: vscode.InputBoxValidationSeverity.Info,
      };
    },
  });
}

/** Continue Sweep…: the runs a stopped sweep lacks; `arg` is its folder (or the view's sweep item), else a pick of the unfinished ones. */
export async function continueSweep(deps: CommandDeps, arg: unknown): Promise<SweepResult> {
  const folder = runPrerequisites(deps, 'A sweep');
  if (!folder.ok) return folder.result;
  const given = sweepDirFrom(arg);
  let sweep: SweepFolder | undefined;
  try {
    sweep = given === undefined ? await pickUnfinished(folder.folder) : readSweepFolder(given);
  } catch (e) {
    if (!(e instanceof SweepFileError)) throw e;
    void vscode.window.showErrorMessage(`Cannot continue the sweep: ${e.message}`);
    return { status: 'error', message: e.message };
  }
  if (!sweep) return { status: 'cancelled' };
  if (sweep.pending.length === 0) {
    void vscode.window.showInformationMessage(`Sweep ${sweep.record.name} has trained all its runs.`);
    return { status: 'done', dir: sweep.dir, checkpoints: [], failed: [], left: 0 };
  }
  return runSweep(deps, sweep, folder.folder.uri.fsPath);
}

function sweepDirFrom(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const runs = (arg as { runs?: Array<{ path?: unknown }> } | undefined)?.runs;
  const first = runs?.[0]?.path;
  return typeof first === 'string' ? path.dirname(first) : undefined;
}

/** The sweeps of the weights folder with runs left that no process is training now. */
function stoppedSweeps(folder: vscode.WorkspaceFolder): SweepFolder[] {
  const weightsDir = weightsDirOf(folder);
  return weightsDir ? unfinishedSweeps(weightsDir) : [];
}

async function pickUnfinished(folder: vscode.WorkspaceFolder): Promise<SweepFolder | undefined> {
  const sweeps = stoppedSweeps(folder);
  if (sweeps.length === 0) {
    void vscode.window.showInformationMessage('No sweep in the weights folder has runs left to train.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    sweeps.map((s) => ({
      label: s.record.name,
      description: `${s.pending.length} of ${plural(s.record.runs.length, 'run')} left`,
      sweep: s,
    })),
    { title: 'Continue Sweep', placeHolder: 'The sweep whose remaining runs to train' },
  );
  return picked?.sweep;
}

/**
 * After a reload or a crash: offers to go on with the sweeps that stopped before their end
 * (not those another window or a terminal is training). Never awaited.
 */
export function offerToContinueSweeps(deps: CommandDeps): void {
  const folder = workspaceFolder();
  if (!folder || !vscode.workspace.isTrusted || deps.runner.running) return;
  const sweeps = stoppedSweeps(folder);
  if (sweeps.length === 0) return;
  const go = 'Continue Sweep';
  const [first] = sweeps;
  const message =
    sweeps.length === 1
      ? `Sweep ${first.record.name} stopped with ${first.pending.length} of ${plural(first.record.runs.length, 'run')} left. Train the rest?`
      : `${sweeps.length} sweeps stopped before their end. Train the runs they have left?`;
  void vscode.window
    .showInformationMessage(message, go, 'Not Now')
    .then(
      (choice) => choice === go && vscode.commands.executeCommand('lstmMnist.continueSweep', sweeps.length === 1 ? first.dir : undefined),
    );
}

/** The outcome of each run the sweep started. */
interface RunOutcome {
  run: SweepRun;
  final: FinalEvent;
  /** It was at chance level after its first epoch (said once, in the sweep's summary). */
  chance: boolean;
}

/** Trains the sweep's pending runs one after another; resolves when the last has ended or a cancel stopped it. */
async function runSweep(deps: CommandDeps, sweep: SweepFolder, cwd: string): Promise<SweepResult> {
  const { record, dir, pending } = sweep;
  const runtime = await deps.runtime.forJob(record.base.device, record.base.backend ?? 'auto', 'training');
  if (!runtime.ok) return runtime.status === 'cancelled' ? { status: 'cancelled' } : { status: 'error', message: runtime.message };
  let hold: { release(): void };
  try {
    hold = holdSweep(dir);
  } catch (e) {
    if (!(e instanceof SweepFileError)) throw e;
    void vscode.window.showErrorMessage(`Cannot train sweep ${record.name}: ${e.reason}.`);
    return { status: 'error', message: e.message };
  }
  const total = record.runs.length;
  deps.showPanel();
  const outcomes = await withJobProgress(`Sweep ${record.name}`, `${plural(pending.length, 'run')} to train…`, async (note, token) => {
    let current: ActiveJob | undefined;
    let cancelled = false;
    const cancellation = token.onCancellationRequested(() => {
      cancelled = true;
      note.say('cancelling: the running run stops, the rest are dropped…', undefined, true);
      current?.cancel();
    });
    const done: RunOutcome[] = [];
    try {
      for (const [k, run] of pending.entries()) {
        if (cancelled) break;
        const position = { name: record.name, run: record.runs.indexOf(run) + 1, runs: total };
        const config = { ...sweepRunConfig(record.base, run, dir), backend: runtime.backend };
        const prefix = `run ${position.run} of ${total} · `;
        // The training process of a window reloaded in this run's middle stops at its next batch.
        note.say(`${prefix}starting ${run.name}…`, k / pending.length, true);
        await runNameReleased(dir, run.name, RELEASE_WAIT_MS);
        if (cancelled) break;
        current = deps.runner.start({ kind: 'train', config, sweep: position }, cwd, runtime);
        // A job started between two runs (an evaluation): the sweep goes on after it.
        while (!current && !cancelled) {
          note.say(`${prefix}waiting for the running job to end…`, undefined, true);
          await deps.runner.running?.finished;
          current = cancelled ? undefined : deps.runner.start({ kind: 'train', config, sweep: position }, cwd, runtime);
        }
        if (!current) break;
        let chance = false;
        const describe = describeRun(config, () => (chance = true));
        const final = await trackJob(current, deps.runner, note, describe, {
          prefix,
          start: k / pending.length,
          share: 1 / pending.length,
        });
        done.push({ run, final, chance });
        if (final.type === 'cancelled') break;
      }
    } finally {
      cancellation.dispose();
      hold.release();
    }
    return done;
  });
  return report(deps, sweep, outcomes);
}

function report(deps: CommandDeps, { record, dir, pending }: SweepFolder, outcomes: RunOutcome[]): SweepResult {
  const finished = outcomes.flatMap((o) => (o.final.type === 'done' ? [{ run: o.run, final: o.final }] : []));
  const failed = outcomes.filter((o) => o.final.type === 'error' || o.final.type === 'diverged');
  const cancelled = outcomes.some((o) => o.final.type === 'cancelled') || outcomes.length < pending.length;
  const left = pending.length - finished.length;
  const stuck = outcomes.filter((o) => o.chance);
  for (const o of failed)
    deps.output.appendLine(`[sweep] ${record.name}: ${o.run.name} ${o.final.type}: ${(o.final as { message: string }).message}`);
  const best = finished.reduce<(typeof finished)[number] | undefined>(
    (b, o) => (!b || o.final.test.accuracy > b.final.test.accuracy ? o : b),
    undefined,
  );
  const parts = [
    `${finished.length} of ${plural(pending.length, 'run')} trained`,
    ...(best ? [`best ${percent(best.final.test.accuracy)} (${best.run.name})`] : []),
    ...(failed.length ? [`${plural(failed.length, 'run')} failed (see the output)`] : []),
    ...(stuck.length ? [`${plural(stuck.length, 'run')} at chance level after the first epoch (too high a learning rate?)`] : []),
  ];
  const result = {
    dir,
    checkpoints: finished.map((o) => path.resolve(dir, o.final.checkpoint)),
    failed: failed.map((o) => o.run.name),
    left,
  };
  if (cancelled) {
    void vscode.window.showInformationMessage(
      `Sweep ${record.name} stopped: ${parts.join(', ')}; the finished runs are kept, and Continue Sweep trains the ${plural(left, 'run')} left.`,
    );
    return { status: 'cancelled', ...result };
  }
  if (failed.length) void vscode.window.showWarningMessage(`Sweep ${record.name}: ${parts.join(', ')}.`);
  else showResult(`Sweep ${record.name} finished: ${parts.join(', ')}.`, deps);
  return { status: 'done', ...result };
}
