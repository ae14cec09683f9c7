// Renders a PanelState into the page. The layout is built once; each render updates texts and
// rebuilds only the parts whose data changed (tables, charts), so a batch event costs little.
// For keyboard and screen-reader users: Space and Enter on a button never scroll the page, focus
// moves to the button that makes sense when a job starts or ends, and a polite live region says
// each milestone (announcements.ts).
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import type { PanelCommand } from '../../src/protocol/webview';
import { announcement } from './announcements';
import { button } from './buttons';
import type { InspectClient } from './inspectClient';
import { InspectionSection } from './inspectionSection';
import { breakable, fill, h, phrases } from './dom';
import { showsEpochRates } from '../../src/protocol/learningRate';
import { architectureText } from '../../src/protocol/architecture';
import { baseName, capitalised, count, fixed, percent, plural, sweepRunOf } from '../../src/protocol/format';
import { EvaluationView, PanelState, TrainingView, bestEpoch, isRunning, trainingFraction } from './panelState';
import { deviceLine, outcomeBlock, runNotes, warning } from './reportBlocks';
import { confusionTable, epochTable, perClassTable, scrollBox } from './tables';
import { themeColors } from './theme';
import { type TrainingChart, trainingCharts } from './trainingCharts';

export class PanelView {
  private readonly status = h('span', { id: 'status' });
  private readonly trainButton = button('Train', () => this.request('train'), { id: 'train-button' });
  private readonly cancelButton = button('Cancel', () => this.request('cancel'), { id: 'cancel-button', secondary: true });
  /** Why a button's request was not done; an alert, read out at once. */
  private readonly requestError = h('p', { id: 'request-error', className: 'error', attrs: { role: 'alert' } });
  /** The milestones, read out politely (announcements.ts). */
  private readonly liveRegion = h('div', {
    id: 'announcer',
    className: 'visually-hidden',
    attrs: { role: 'status', 'aria-live': 'polite' },
  });
  private readonly empty = h(
    'section',
    { id: 'empty', className: 'notice' },
    'Nothing to show yet. Press Train (or run "Train LSTM MNIST" from the Command Palette) to train the model, ' +
      'or evaluate a checkpoint from the LSTM MNIST view in the activity bar.',
  );
  private readonly training = h('section', { id: 'training', attrs: { 'aria-labelledby': 'training-title' } });
  private readonly trainingInfo = h('div');
  /** Kept across renders: a new element per batch would restart its animation. */
  private readonly progressBar = h('vscode-progress-bar', { id: 'progress' }) as VscodeProgressBar;
  private readonly progressText = h('p', { id: 'progress-text' });
  private readonly trainingOutcome = h('div');
  private readonly epochs = h('div', { id: 'epochs' });
  private readonly evaluation = h('section', { id: 'evaluation', attrs: { 'aria-labelledby': 'evaluation-title' } });
  private readonly charts: TrainingChart[] = trainingCharts();
  private readonly pending = new Set<PanelCommand>();
  /** What the expensive parts were last built from, to skip rebuilding them. */
  private drawn = { epochs: '', batches: '', evaluation: '' };
  /** The last sentence of the live region; undefined until the first render, which says nothing. */
  private announced: string | undefined;
  /** A button had the focus: when it is disabled, the focus moves to the other. */
  private buttonFocused = false;

  private readonly inspection: InspectionSection;

  constructor(
    root: HTMLElement,
    private readonly request: (command: PanelCommand) => void,
    inspect: InspectClient,
  ) {
    this.inspection = new InspectionSection(inspect);
    this.progressBar.ariaLabel = 'Training progress';
    // Where the keyboard is: on one of the buttons, or somewhere else (then focus is left alone).
    document.addEventListener('focusin', (e) => (this.buttonFocused = e.target === this.trainButton || e.target === this.cancelButton));
    this.training.append(
      this.trainingInfo,
      this.progressBar,
      this.progressText,
      this.trainingOutcome,
      h('h3', {}, 'Epochs'),
      this.epochs,
      h('h3', {}, 'Charts'),
      h('div', { id: 'charts', className: 'charts' }, ...this.charts.map((c) => c.chart.element)),
    );
    root.append(
      h(
        'header',
        {},
        h('h1', {}, 'LSTM MNIST'),
        this.status,
        h('div', { className: 'actions' }, this.trainButton, this.cancelButton),
        this.requestError,
      ),
      this.liveRegion,
      this.empty,
      this.evaluation,
      this.training,
    );
  }

  /** A request was sent (its button waits) or answered (error: why it was not done). */
  setPending(command: PanelCommand, pending: boolean, error?: string): void {
    if (pending) this.pending.add(command);
    else this.pending.delete(command);
    this.requestError.textContent = error ?? '';
    this.requestError.hidden = !error;
  }

  render(state: PanelState): void {
    const running = state.running;
    this.status.textContent = running
      ? `${running.kind === 'train' ? 'Training' : 'Evaluating'} ${baseName(running.label)}${running.sweep ? ` (${sweepRunOf(running.sweep)})` : ''}…`
      : 'Idle';
    this.trainButton.disabled = running !== null || this.pending.has('train');
    this.cancelButton.disabled = running === null || this.pending.has('cancel');
    // A button takes `disabled` (and with it whether it can have the focus) when it next updates.
    void Promise.all([this.trainButton.updateComplete, this.cancelButton.updateComplete]).then(() => this.moveFocus());
    this.requestError.hidden = this.requestError.textContent === '';
    this.empty.hidden = state.training !== undefined || state.evaluation !== undefined;
    // The newest job on top: a new evaluation must not appear below a long training report.
    const evaluationFirst = (state.evaluation?.job.startedAt ?? 0) > (state.training?.job.startedAt ?? 0);
    if (evaluationFirst !== (this.evaluation.nextElementSibling === this.training)) {
      if (evaluationFirst) this.training.before(this.evaluation);
      else this.evaluation.before(this.training);
    }
    this.renderTraining(state, state.training);
    this.renderEvaluation(state, state.evaluation);
    const sentence = announcement(state);
    if (this.announced !== undefined && sentence !== this.announced) this.liveRegion.textContent = sentence;
    this.announced = sentence;
  }

  /** Redraws what holds the theme's colours as values: the charts and the heat-map tables. */
  themeChanged(state: PanelState): void {
    themeColors.clear();
    for (const c of this.charts) c.chart.rebuild();
    this.drawn = { epochs: '', batches: '', evaluation: '' };
    this.render(state);
  }

  /**
   * A pressed button is disabled while its request runs, and a disabled one loses the focus to
   * the page, which leaves the keyboard nowhere: the focus goes to the button that can be used
   * next (Cancel once a job runs, Train once it ends).
   */
  private moveFocus(): void {
    // Never take the focus from the workbench (a quick pick open over the panel would close).
    if (!this.buttonFocused || !document.hasFocus()) return;
    const active = document.activeElement;
    if (active !== document.body && active !== null && !(active instanceof HTMLElement && active.hasAttribute('disabled'))) return;
    const next = [this.cancelButton, this.trainButton].find((b) => !b.disabled);
    next?.focus();
  }

  private renderTraining(state: PanelState, view: TrainingView | undefined): void {
    this.training.hidden = view === undefined;
    if (!view) return;
    const active = isRunning(state, view);
    const fraction = trainingFraction(view);
    const best = view.epochs.length > 1 ? bestEpoch(view.epochs) : undefined;
    const p = view.progress;
    const c = view.config;

    fill(
      this.trainingInfo,
      h('h2', { id: 'training-title' }, 'Training ', breakable(view.job.label)),
      view.job.sweep && h('p', { className: 'sweep-position' }, capitalised(sweepRunOf(view.job.sweep))),
      c &&
        h(
          'p',
          { id: 'config', className: 'muted' },
          ...phrases(
            `${architectureText(c)} of ${c.units} units`,
            ...(c.dropout ? [`dropout ${c.dropout}`] : []),
            `batch ${c.batchSize}`,
            plural(c.epochs, 'epoch'),
            `learning rate ${c.learningRate}`,
            `seed ${c.seed}`,
          ),
        ),
      deviceLine(view.device, view.dataset),
    );
    this.progressBar.hidden = !active;
    this.progressBar.indeterminate = p === undefined;
    this.progressBar.value = Math.round(fraction * 1000) / 10;
    // After the run, the last batch's numbers still tell where a cancelled or failed run stopped.
    this.progressText.hidden = !active && (!p || view.outcome?.kind === 'done');
    fill(
      this.progressText,
      ...(p
        ? phrases(
            `Epoch ${p.epoch}/${c?.epochs ?? '?'}`,
            `batch ${p.batch}/${p.batchesPerEpoch}`,
            `loss ${fixed(p.loss)}`,
            `accuracy ${percent(p.accuracy)}`,
            active && `${percent(fraction, 0)} done`,
          )
        : ['Loading TensorFlow and the data…']),
    );
    fill(this.trainingOutcome, ...runNotes(view), outcomeBlock(view), ...view.warnings.map(warning));

    const epochsKey = `${view.job.id}:${view.epochs.length}:${best}`;
    if (epochsKey !== this.drawn.epochs) {
      this.drawn.epochs = epochsKey;
      fill(
        this.epochs,
        view.epochs.length > 0
          ? scrollBox(epochTable(view.epochs, best, showsEpochRates(view.config?.lrSchedule, view.epochs)), 'tall')
          : h('p', { className: 'muted' }, 'The first epoch has not ended yet.'),
      );
    }
    const batchesKey = `${view.job.id}:${view.epochs.length}:${view.batches.x.length}:${active}`;
    if (batchesKey !== this.drawn.batches) {
      this.drawn.batches = batchesKey;
      for (const c of this.charts) c.chart.setData(...c.data(view), active);
    }
  }

  private renderEvaluation(state: PanelState, view: EvaluationView | undefined): void {
    this.evaluation.hidden = view === undefined;
    if (!view) return;
    const active = isRunning(state, view);
    this.inspection.setEvaluation(view);
    const key = `${view.job.id}:${active}:${view.result !== undefined}:${view.outcome?.kind}:${view.warnings.length}`;
    if (key === this.drawn.evaluation) return;
    this.drawn.evaluation = key;
    const r = view.result;
    const progress = h('vscode-progress-bar', {}) as VscodeProgressBar;
    progress.indeterminate = true;
    progress.ariaLabel = 'Evaluation progress';
    fill(
      this.evaluation,
      h('h2', { id: 'evaluation-title' }, 'Evaluation of ', breakable(baseName(view.job.label))),
      h('p', { className: 'muted path' }, breakable(view.job.label)),
      active && progress,
      active && h('p', {}, 'Loading the checkpoint and running the test set…'),
      deviceLine(view.device, view.dataset),
      r &&
        h(
          'div',
          { className: 'headline' },
          h('span', { className: 'big', id: 'evaluation-accuracy' }, percent(r.accuracy)),
          ' ',
          ...phrases(
            `test accuracy on ${plural(r.count, 'test image')}`,
            view.runTestSize !== undefined && view.runTestSize !== r.count && `its run was tested on ${count(view.runTestSize)}`,
            `loss ${fixed(r.loss)}`,
          ),
        ),
      r && h('h3', {}, 'Accuracy per digit'),
      r && scrollBox(perClassTable(r)),
      r && h('h3', {}, 'Confusion matrix'),
      r && scrollBox(confusionTable(r, view.predictions && ((t, p) => this.inspection.showCell(t, p)))),
      outcomeBlock(view),
      ...view.warnings.map(warning),
      this.inspection.element,
    );
  }
}
