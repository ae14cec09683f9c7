// The runs table's host side (one panel): sends the webview every valid checkpoint of the weights
// folder as a row when it says `ready` (it reloads whenever it is shown again), and again whenever
// the Checkpoints view's listing changes (the view reads the folder once per change; the table
// reuses that reading rather than reading every checkpoint again). Its Compare and Export CSV
// buttons run the commands of the same names.
import * as vscode from 'vscode';
import { type HostToRuns, isRunsToHost, type RunRow } from '../protocol/runsTable';
import { createPanel, webviewPage } from './webviewPage';

/** Where the rows come from: the Checkpoints view's listing, and its changes. */
export interface RunsSource {
  rows(): Promise<RunRow[]>;
  /** The weights folder the rows are from (the panel's subtitle). */
  folder(): string;
  readonly onDidChange: vscode.Event<unknown>;
}

export class RunsPanel {
  static readonly viewType = 'lstmMnist.runsPanel';
  private static current: RunsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows the panel (a new one, or the open one in front); resolves with the rows it was sent. */
  static async show(extensionUri: vscode.Uri, source: RunsSource): Promise<RunRow[]> {
    if (RunsPanel.current) RunsPanel.current.panel.reveal(undefined, false);
    else {
      const panel = createPanel(RunsPanel.viewType, 'Runs', extensionUri);
      RunsPanel.current = new RunsPanel(panel, extensionUri, source);
    }
    return source.rows();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: RunsSource,
  ) {
    panel.webview.html = webviewPage(panel.webview, extensionUri, 'runs.js', 'Runs');
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), undefined, this.disposables);
    source.onDidChange(() => void this.post(), undefined, this.disposables);
  }

  private receive(message: unknown): void {
    if (!isRunsToHost(message)) return;
    switch (message.type) {
      case 'ready':
        void this.post();
        break;
      case 'compare':
        void vscode.commands.executeCommand('lstmMnist.compareCheckpoints', message.paths);
        break;
      case 'exportCsv':
        void vscode.commands.executeCommand('lstmMnist.exportRunsCsv', { view: message.view });
        break;
    }
  }

  private async post(): Promise<void> {
    const message: HostToRuns = { type: 'rows', rows: await this.source.rows(), folder: this.source.folder() };
    // The panel may have been closed while the rows were read.
    if (RunsPanel.current === this) void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    if (RunsPanel.current === this) RunsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
