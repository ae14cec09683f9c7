// The status bar item: the running job's progress, then how the last one ended, until the next.
// Hidden until the first job of the session. Clicking it shows the training panel.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runFraction, type TrainingEvent } from '../protocol/training';
import type { PanelJob } from '../protocol/webview';
import { fixed, percent } from '../protocol/format';
import type { JobRunner } from './jobRunner';
import { Throttle } from './throttle';

const UPDATE_INTERVAL_MS = 250;

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lstmMnist.status', vscode.StatusBarAlignment.Left, 0);
  private readonly throttle = new Throttle(UPDATE_INTERVAL_MS, () => this.render());
  private readonly disposables: vscode.Disposable[];
  private job: PanelJob | undefined;
  private epochs = 0;
  /** The job's latest event that changes what the item says. */
  private last: Exclude<TrainingEvent, { type: 'warning' | 'chanceLevel' }> | undefined;
  /** Set when the running job is at chance level: said until the job ends. */
  private chance: string | undefined;

  constructor(runner: JobRunner) {
    this.item.name = 'LSTM MNIST';
    this.item.command = 'lstmMnist.showPanel';
    this.disposables = [
      this.item,
      runner.onDidChangeRunning((job) => {
        if (!job) return;
        this.job = job;
        this.last = undefined;
        this.chance = undefined;
        this.throttle.flush();
        this.item.show();
      }),
      runner.onDidLog(({ job, event }) => {
        if (job.id !== this.job?.id || event.type === 'warning') return;
        if (event.type === 'chanceLevel') {
          this.chance = event.message;
          this.throttle.flush();
          return;
        }
        if (event.type === 'started') this.epochs = event.config.epochs;
        this.last = event;
        if (event.type === 'batch') this.throttle.schedule();
        else this.throttle.flush();
      }),
    ];
  }

  private render(): void {
    if (!this.job) return;
    const { text, tooltip, error } = this.describe(this.job);
    const atChance = this.chance !== undefined && this.last?.type !== 'diverged';
    this.item.text = atChance ? `$(warning) ${text}` : text;
    this.item.tooltip = `${tooltip}${atChance ? `\nWarning: ${this.chance}` : ''}\nClick to show the training panel.`;
    this.item.backgroundColor = error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : atChance
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
  }

  private describe(job: PanelJob): { text: string; tooltip: string; error?: boolean } {
    const e = this.last;
    const name = job.kind === 'train' ? job.label : path.basename(job.label);
    switch (e?.type) {
      case undefined:
      case 'started':
      case 'probed': // the set-up's check, never part of a job
        return job.kind === 'train'
          ? { text: '$(loading~spin) LSTM MNIST: starting', tooltip: `Training ${name}` }
          : { text: '$(loading~spin) LSTM MNIST: evaluating', tooltip: `Evaluating ${name}` };
      case 'batch': {
        const done = runFraction(e, this.epochs);
        return {
          text: `$(loading~spin) LSTM MNIST ${e.epoch}/${this.epochs} · ${percent(done, 0)}`,
          tooltip:
            `Training ${name}: epoch ${e.epoch}/${this.epochs}, batch ${e.batch}/${e.batchesPerEpoch}, ` +
            `loss ${fixed(e.loss)}, accuracy ${percent(e.accuracy)}`,
        };
      }
      case 'epoch':
        return {
          text: `$(loading~spin) LSTM MNIST ${e.metrics.epoch}/${this.epochs} · test ${percent(e.metrics.valAccuracy)}`,
          tooltip: `Training ${name}: epoch ${e.metrics.epoch} done, test accuracy ${percent(e.metrics.valAccuracy)}`,
        };
      case 'done':
        return { text: `$(check) LSTM MNIST ${percent(e.test.accuracy)}`, tooltip: `${name}: test accuracy ${percent(e.test.accuracy)}` };
      case 'evaluation':
        return {
          text: `$(check) LSTM MNIST ${percent(e.result.accuracy)}`,
          tooltip: `${name} evaluated: test accuracy ${percent(e.result.accuracy)}`,
        };
      case 'diverged':
        return { text: '$(error) LSTM MNIST: diverged', tooltip: `${name} diverged: ${e.message}`, error: true };
      case 'cancelled':
        return { text: '$(circle-slash) LSTM MNIST: cancelled', tooltip: `${name} was cancelled` };
      case 'error':
        return { text: '$(error) LSTM MNIST: failed', tooltip: `${name} failed: ${e.message}`, error: true };
    }
  }

  dispose(): void {
    this.throttle.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
