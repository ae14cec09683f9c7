// Renders a PanelState into the page. The layout is built once; each render updates texts and
// rebuilds only the parts whose data changed (tables, charts), so a batch event costs little.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import type { DatasetInfo, DeviceInfo } from '../../src/protocol/training';
import type { PanelCommand } from '../../src/protocol/webview';
import { LineChart } from './charts';
import { fill, h } from './dom';
import { baseName, fixed, kernelsText, percent, seconds } from '../../src/protocol/format';
import { EvaluationView, PanelState, TrainingView, bestEpoch, isRunning, trainingFraction } from './panelState';
import { confusionTable, epochTable, perClassTable } from './tables';

export class PanelView {
  private readonly status = h('span', { id: 'status' });
  private readonly trainButton = h('vscode-button', { id: 'train-button' }, 'Train');
  private readonly cancelButton = h('vscode-button', { id: 'cancel-button' }, 'Cancel');
  private readonly requestError = h('span', { id: 'request-error', className: 'error-text' });
  private readonly empty = h(
    'section',
    { id: 'empty', className: 'notice' },
    'Nothing to show yet. Press Train (or run "Train LSTM MNIST" from the Command Palette) to train the model, ' +
      'or evaluate a checkpoint from the LSTM MNIST view in the activity bar.',
  );
  private readonly training = h('section', { id: 'training' });
  private readonly trainingInfo = h('div');
  /** Kept across renders: a new element per batch would restart its animation. */
  private readonly progressBar = h('vscode-progress-bar', { id: 'progress' }) as VscodeProgressBar;
  private readonly progressText = h('p', { id: 'progress-text' });
  private readonly trainingOutcome = h('div');
  private readonly epochs = h('div', { id: 'epochs' });
  private readonly evaluation = h('section', { id: 'evaluation' });
  private readonly charts: Array<{ chart: LineChart; data(v: TrainingView): [number[], number[][]] }>;
  private readonly pending = new Set<PanelCommand>();
  /** What the expensive parts were last built from, to skip rebuilding them. */
  private drawn = { epochs: '', batches: '', evaluation: '' };

  constructor(
    root: HTMLElement,
    private readonly request: (command: PanelCommand) => void,
  ) {
    this.cancelButton.secondary = true;
    this.trainButton.addEventListener('click', () => this.request('train'));
    this.cancelButton.addEventListener('click', () => this.request('cancel'));
    const chartBoxes = [0, 1, 2, 3].map(() => h('div', { className: 'chart' }));
    const pct = (v: number): string => percent(v, 1);
    const loss = (v: number): string => fixed(v, 3);
    this.charts = [
      {
        chart: new LineChart(chartBoxes[0], {
          title: 'Loss per epoch',
          perEpoch: true,
          format: loss,
          series: [
            { label: 'train loss', color: 'blue' },
            { label: 'test loss', color: 'orange', dashed: true },
          ],
        }),
        data: (v) => [v.epochs.map((m) => m.epoch), [v.epochs.map((m) => m.loss), v.epochs.map((m) => m.valLoss)]],
      },
      {
        chart: new LineChart(chartBoxes[1], {
          title: 'Accuracy per epoch',
          perEpoch: true,
          format: pct,
          series: [
            { label: 'train accuracy', color: 'green' },
            { label: 'test accuracy', color: 'purple', dashed: true },
          ],
        }),
        data: (v) => [v.epochs.map((m) => m.epoch), [v.epochs.map((m) => m.accuracy), v.epochs.map((m) => m.valAccuracy)]],
      },
      {
        chart: new LineChart(chartBoxes[2], {
          title: 'Loss per batch (running mean of the epoch)',
          format: loss,
          series: [{ label: 'loss', color: 'blue' }],
        }),
        data: (v) => [v.batches.x, [v.batches.loss]],
      },
      {
        chart: new LineChart(chartBoxes[3], {
          title: 'Accuracy per batch (running mean of the epoch)',
          format: pct,
          series: [{ label: 'accuracy', color: 'green' }],
        }),
        data: (v) => [v.batches.x, [v.batches.accuracy]],
      },
    ];
    this.training.append(
      this.trainingInfo,
      this.progressBar,
      this.progressText,
      this.trainingOutcome,
      h('h3', {}, 'Epochs'),
      this.epochs,
      h('h3', {}, 'Charts'),
      h('div', { id: 'charts', className: 'charts' }, ...chartBoxes),
    );
    root.append(
      h(
        'header',
        {},
        h('h1', {}, 'LSTM MNIST'),
        this.status,
        h('div', { className: 'actions' }, this.trainButton, this.cancelButton, this.requestError),
      ),
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
  }

  render(state: PanelState): void {
    const running = state.running;
    this.status.textContent = running ? `${running.kind === 'train' ? 'Training' : 'Evaluating'} ${baseName(running.label)}…` : 'Idle';
    this.trainButton.disabled = running !== null || this.pending.has('train');
    this.cancelButton.disabled = running === null || this.pending.has('cancel');
    this.empty.hidden = state.training !== undefined || state.evaluation !== undefined;
    // The newest job on top: a new evaluation must not appear below a long training report.
    const evaluationFirst = (state.evaluation?.job.startedAt ?? 0) > (state.training?.job.startedAt ?? 0);
    if (evaluationFirst !== (this.evaluation.nextElementSibling === this.training)) {
      if (evaluationFirst) this.training.before(this.evaluation);
      else this.evaluation.before(this.training);
    }
    this.renderTraining(state, state.training);
    this.renderEvaluation(state, state.evaluation);
  }

  /** Rebuilds the charts with the new theme's colours. */
  themeChanged(): void {
    for (const c of this.charts) c.chart.rebuild();
  }

  private renderTraining(state: PanelState, view: TrainingView | undefined): void {
    this.training.hidden = view === undefined;
    if (!view) return;
    const active = isRunning(state, view);
    const fraction = trainingFraction(view);
    const best = bestEpoch(view.epochs);
    const p = view.progress;
    const c = view.config;

    fill(
      this.trainingInfo,
      h('h2', {}, `Training ${view.job.label}`),
      c &&
        h(
          'p',
          { id: 'config', className: 'muted' },
          `${c.units} units · batch ${c.batchSize} · ${c.epochs} epoch${c.epochs === 1 ? '' : 's'} · learning rate ${c.learningRate} · seed ${c.seed}`,
        ),
      deviceLine(view.device, view.dataset),
    );
    this.progressBar.hidden = !active;
    this.progressBar.indeterminate = p === undefined;
    this.progressBar.value = Math.round(fraction * 1000) / 10;
    // After the run, the last batch's numbers still tell where a cancelled or failed run stopped.
    this.progressText.hidden = !active && (!p || view.outcome?.kind === 'done');
    this.progressText.textContent = p
      ? `Epoch ${p.epoch}/${c?.epochs ?? '?'} · batch ${p.batch}/${p.batchesPerEpoch} · loss ${fixed(p.loss)} · acc ${percent(p.accuracy)}` +
        (active ? ` · ${percent(fraction, 0)} done` : '')
      : 'Loading TensorFlow and the data…';
    fill(this.trainingOutcome, outcomeBlock(view), ...view.warnings.map((w) => h('p', { className: 'warning' }, `⚠ ${w}`)));

    const epochsKey = `${view.job.id}:${view.epochs.length}:${best}`;
    if (epochsKey !== this.drawn.epochs) {
      this.drawn.epochs = epochsKey;
      fill(
        this.epochs,
        view.epochs.length > 0 ? epochTable(view.epochs, best) : h('p', { className: 'muted' }, 'The first epoch has not ended yet.'),
      );
    }
    const batchesKey = `${view.job.id}:${view.epochs.length}:${view.batches.x.length}`;
    if (batchesKey !== this.drawn.batches) {
      this.drawn.batches = batchesKey;
      for (const c of this.charts) c.chart.setData(...c.data(view));
    }
  }

  private renderEvaluation(state: PanelState, view: EvaluationView | undefined): void {
    this.evaluation.hidden = view === undefined;
    if (!view) return;
    const active = isRunning(state, view);
    const key = `${view.job.id}:${active}:${view.result !== undefined}:${view.outcome?.kind}:${view.warnings.length}`;
    if (key === this.drawn.evaluation) return;
    this.drawn.evaluation = key;
    const r = view.result;
    const progress = h('vscode-progress-bar', {}) as VscodeProgressBar;
    progress.indeterminate = true;
    fill(
      this.evaluation,
      h('h2', {}, `Evaluation of ${baseName(view.job.label)}`),
      h('p', { className: 'muted' }, view.job.label),
      active && progress,
      active && h('p', {}, 'Loading the checkpoint and running the test set…'),
      deviceLine(view.device, view.dataset),
      r &&
        h(
          'div',
          { className: 'headline' },
          h('span', { className: 'big', id: 'evaluation-accuracy' }, percent(r.accuracy)),
          h('span', {}, ` test accuracy on ${r.count} images · loss ${fixed(r.loss)}`),
        ),
      r && h('h3', {}, 'Accuracy per digit'),
      r && perClassTable(r),
      r && h('h3', {}, 'Confusion matrix'),
      r && confusionTable(r),
      outcomeBlock(view),
      ...view.warnings.map((w) => h('p', { className: 'warning' }, `⚠ ${w}`)),
    );
  }
}

function deviceLine(device: DeviceInfo | undefined, dataset: DatasetInfo | undefined): HTMLElement | undefined {
  if (!device) return undefined;
  const badge = h('vscode-badge', { id: 'device' }, device.device.toUpperCase());
  return h(
    'p',
    { className: 'device' },
    badge,
    ` ${device.backend} backend (${device.package}) · ${kernelsText(device)}`,
    device.runtime && h('span', { id: 'runtime' }, ` · TensorFlow from ${device.runtime}`),
    dataset && ` · ${dataset.name}: ${dataset.trainCount > 0 ? `${dataset.trainCount} train, ` : ''}${dataset.testCount} test images`,
  );
}

function outcomeBlock(view: TrainingView | EvaluationView): HTMLElement | undefined {
  const o = view.outcome;
  switch (o?.kind) {
    case undefined:
      return undefined;
    case 'done':
      return h(
        'div',
        { className: 'headline', id: 'test-result' },
        h('span', { className: 'big', id: 'test-accuracy' }, percent(o.test.accuracy)),
        h('span', {}, ` test accuracy · loss ${fixed(o.test.loss)} · ${seconds(o.seconds)}`),
        h('p', { className: 'muted' }, `Saved to ${o.checkpoint}`),
      );
    case 'cancelled':
      return h('p', { className: 'notice', id: 'outcome' }, 'Cancelled. No checkpoint was saved.');
    case 'interrupted':
      return h('p', { className: 'notice', id: 'outcome' }, 'Interrupted: the window was reloaded or closed before the job ended.');
    case 'diverged':
      return h('pre', { className: 'error', id: 'outcome' }, `Diverged: ${o.message}`);
    case 'error':
      return h('pre', { className: 'error', id: 'outcome' }, o.message);
  }
}
