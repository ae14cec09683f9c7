// Shows a TensorFlow set-up (src/runtime/setup.ts) to the user as cancellable "Setting up
// TensorFlow" notifications: each download and unpack gets a notification of its own whose bar
// runs from 0 to 100%; everything else (which source is being tried, the check at the end) is
// the message of one notification without a bar, reused as long as it can be. New notifications
// are opened only when needed: VS Code shows three toasts at most and keeps a finished progress
// toast on screen for a moment, so one per message would push the final result out of sight.
// Cancel on any of them cancels the set-up. Every line of the set-up also goes to the output channel.
import * as vscode from 'vscode';
import type { SetupReporter, StepProgress } from '../runtime/source';
import { Throttle } from './throttle';

/** A progress bar redraw per received chunk would flood the UI. */
const REDRAW_MS = 200;
const SETUP_TITLE = 'Setting up TensorFlow';

interface Notification {
  /** Whether it has a bar (a download or an unpack). */
  readonly determinate: boolean;
  close(): void;
  report(message: string, fraction?: number): void;
}

export class SetupProgress implements SetupReporter, vscode.Disposable {
  private current: Notification;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly cancel: () => void,
  ) {
    this.current = this.open('preparing…', false);
  }

  log(line: string): void {
    this.output.appendLine(`[set-up] ${line}`);
    if (line.startsWith('trying ')) this.say(`${line.slice('trying '.length)}…`);
  }

  step(title: string, total?: number): StepProgress {
    if (!total) {
      this.say(title);
      return { report: () => undefined, end: () => undefined };
    }
    this.current.close();
    const shown = this.open(title, true);
    this.current = shown;
    let done = 0;
    const redraw = new Throttle(REDRAW_MS, () => shown.report(`${title}: ${Math.floor((100 * done) / total)}%`, done / total));
    return {
      report: (value) => {
        done = value;
        redraw.schedule();
      },
      end: () => redraw.dispose(),
    };
  }

  dispose(): void {
    this.current.close();
  }

  /** A message without a bar: on the current notification unless that one has a bar. */
  private say(message: string): void {
    if (!this.current.determinate) {
      this.current.report(message);
      return;
    }
    this.current.close();
    this.current = this.open(message, false);
  }

  private open(message: string, determinate: boolean): Notification {
    let close!: () => void;
    const closed = new Promise<void>((resolve) => {
      close = resolve;
    });
    let progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
    let shownPercent = 0;
    let pending: { message: string; fraction?: number } | undefined = { message };
    const apply = (): void => {
      if (!progress || !pending) return;
      const { message: text, fraction } = pending;
      pending = undefined;
      // `increment` adds up to 100, so a bar only ever grows.
      const increment = fraction !== undefined ? Math.max(0, 100 * fraction - shownPercent) : undefined;
      if (increment) shownPercent += increment;
      progress.report({ message: text, increment });
    };
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: SETUP_TITLE, cancellable: true },
      (p, token) => {
        progress = p;
        apply();
        const subscription = token.onCancellationRequested(() => this.cancel());
        return closed.finally(() => subscription.dispose());
      },
    );
    return {
      determinate,
      close,
      report(text, fraction) {
        pending = { message: text, fraction };
        apply();
      },
    };
  }
}
