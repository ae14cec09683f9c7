// The training panel's host side (one panel, as in webview-sample): loads the webview bundle
// under a nonce CSP, sends it the session log when it says `ready` (it reloads whenever it is
// hidden and shown again, and after a window reload), streams new events, and answers the
// requests of its Train and Cancel buttons.
import * as vscode from 'vscode';
import type { InspectRequest, InspectResult } from '../protocol/inspection';
import type { InspectTarget, PanelCommand } from '../protocol/webview';
import { encodeNonFinite } from '../protocol/nonFinite';
import { HostToWebview, isWebviewToHost } from '../protocol/webview';
import type { JobRunner } from './jobRunner';
import { webviewOptions, webviewPage } from './webviewPage';

export interface PanelHost {
  extensionUri: vscode.Uri;
  runner: JobRunner;
  /** Carries out a button's command; resolves with why it was not done, or undefined. */
  handle(command: PanelCommand): Promise<string | undefined>;
  /** Answers a question about the evaluated checkpoint; rejects with why it cannot. */
  inspect(target: InspectTarget, request: InspectRequest): Promise<InspectResult>;
}

export class TrainingPanel {
  static readonly viewType = 'lstmMnist.trainingPanel';
  private static current: TrainingPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  /** Events are sent only after the webview's `ready`; until then they are in the snapshot it gets. */
  private ready = false;

  /** Whether the panel is on screen (in front in its editor group): notifications need not offer it then. */
  static isVisible(): boolean {
    return TrainingPanel.current?.panel.visible ?? false;
  }

  static createOrShow(host: PanelHost, preserveFocus: boolean): void {
    if (TrainingPanel.current) {
      TrainingPanel.current.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      TrainingPanel.viewType,
      'LSTM MNIST',
      { viewColumn: vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus },
      webviewOptions(host.extensionUri),
    );
    TrainingPanel.current = new TrainingPanel(panel, host);
  }

  /** A panel restored after a window reload (registerWebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, host: PanelHost): void {
    TrainingPanel.current?.panel.dispose();
    TrainingPanel.current = new TrainingPanel(panel, host);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly host: PanelHost,
  ) {
    // Set again for revived panels: their options are not restored.
    panel.webview.options = webviewOptions(host.extensionUri);
    panel.webview.html = webviewPage(panel.webview, host.extensionUri, 'main.js', 'LSTM MNIST');
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), undefined, this.disposables);
    panel.onDidChangeViewState(
      () => {
        // Hidden, the webview is unloaded; it says `ready` again when it is shown.
        if (!panel.visible) this.ready = false;
      },
      undefined,
      this.disposables,
    );
    host.runner.onDidLog((entry) => this.post({ type: 'event', entry }), undefined, this.disposables);
    host.runner.onDidChangeRunning((job) => this.post({ type: 'running', job }), undefined, this.disposables);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewToHost(message)) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.post({ type: 'snapshot', ...this.host.runner.snapshot() });
      return;
    }
    if (message.type === 'inspect') {
      try {
        this.post({ type: 'inspectReply', id: message.id, result: await this.host.inspect(message.target, message.request) });
      } catch (e) {
        this.post({ type: 'inspectReply', id: message.id, error: (e as Error).message });
      }
      return;
    }
    let error: string | undefined;
    try {
      error = await this.host.handle(message.command);
    } catch (e) {
      error = (e as Error).message;
    }
    this.post({ type: 'reply', id: message.id, error });
  }

  private post(message: HostToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(encodeNonFinite(message));
  }

  private dispose(): void {
    // A reply still on its way (an inspection takes a while) must not touch the disposed webview.
    this.ready = false;
    if (TrainingPanel.current === this) TrainingPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
