// The comparison panel's host side (one panel): shows the runs it is given, and keeps them for
// the webview's `ready` (it reloads whenever it is hidden and shown again). Another set of runs
// replaces them in the same panel.
import * as vscode from 'vscode';
import { type ComparedRun, type HostToCompare, isCompareToHost } from '../protocol/compare';
import { createPanel, webviewPage } from './webviewPage';

export class ComparePanel {
  static readonly viewType = 'lstmMnist.comparePanel';
  private static current: ComparePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static isOpen(): boolean {
    return ComparePanel.current !== undefined;
  }

  /** Shows `runs`, in the open panel or a new one. */
  static show(extensionUri: vscode.Uri, runs: ComparedRun[]): void {
    if (ComparePanel.current) {
      ComparePanel.current.update(runs);
      ComparePanel.current.panel.reveal(undefined, true);
      return;
    }
    const panel = createPanel(ComparePanel.viewType, 'Compare Runs', extensionUri);
    ComparePanel.current = new ComparePanel(panel, extensionUri, runs);
  }

  /** Replaces the runs of the open panel, if one is open (the view's selection changed). */
  static updateIfOpen(runs: ComparedRun[]): void {
    ComparePanel.current?.update(runs);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private runs: ComparedRun[],
  ) {
    panel.webview.html = webviewPage(panel.webview, extensionUri, 'compare.js', 'Compare Runs');
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage(
      (m: unknown) => {
        if (isCompareToHost(m)) this.post();
      },
      undefined,
      this.disposables,
    );
  }

  private update(runs: ComparedRun[]): void {
    this.runs = runs;
    this.post();
  }

  private post(): void {
    const message: HostToCompare = { type: 'runs', runs: this.runs };
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
