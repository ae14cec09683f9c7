// The status bar item: the running job's progress, then how the last one ended, until the next.
// Hidden until the first job of the session. Clicking it shows the training panel.
import * as vscode from 'vscode';
import { computeText } from '../protocol/format';
import { firstEpoch } from '../protocol/training';
import type { PanelJob } from '../protocol/webview';
import type { JobRunner } from './jobRunner';
import { type StatusEvent, statusText } from './statusText';
import { Throttle } from './throttle';

const UPDATE_INTERVAL_MS = 250;

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lstmMnist.status', vscode.StatusBarAlignment.Left, 0);
  private readonly throttle = new Throttle(UPDATE_INTERVAL_MS, () => this.render());
  private readonly disposables: vscode.Disposable[];
  private job: PanelJob | undefined;
  private epochs = 0;
  private firstEpoch = 1;
  /** The job's latest event that changes what the item says. */
  private last: StatusEvent | undefined;
  /** Set when the running job is at chance level: said until the job ends. */
  private chance: string | undefined;
  /** What computes the job (from its start) and why (the warnings before it: no GPU, no native runtime). */
  private device: string | undefined;
  private why: string[] = [];

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
        this.device = undefined;
        this.why = [];
        this.throttle.flush();
        this.item.show();
      }),
      runner.onDidLog(({ job, event }) => {
        if (job.id !== this.job?.id || event.type === 'inspecting' || event.type === 'inspected') return;
        if (event.type === 'warning') {
          // Said before the job starts: why it computes where it does.
          if (this.last === undefined) this.why.push(event.message);
          return;
        }
        if (event.type === 'chanceLevel') {
          this.chance = event.message;
          this.throttle.flush();
          return;
        }
        if (event.type === 'started' || event.type === 'evaluation') this.device = computeText(event.device);
        if (event.type === 'started') {
          this.epochs = event.config.epochs;
          this.firstEpoch = firstEpoch(event);
        }
        this.last = event;
        if (event.type === 'batch') this.throttle.schedule();
        else this.throttle.flush();
      }),
    ];
  }

  private render(): void {
    if (!this.job) return;
    const compute = this.device && [`Computed on: ${this.device}`, ...this.why].join('\n');
    const { text, label, tooltip, background } = statusText(this.job, this.last, this.epochs, this.firstEpoch, this.chance, compute);
    this.item.text = text;
    this.item.accessibilityInformation = { label, role: 'button' };
    this.item.tooltip = `${tooltip}\nClick to show the training panel.`;
    this.item.backgroundColor = background && new vscode.ThemeColor(`statusBarItem.${background}Background`);
  }

  dispose(): void {
    this.throttle.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
