// The API VS Code injects into webviews (one call per page load), typed for this panel.
import type { WebviewToHost } from '../../src/protocol/webview';

export interface VsCodeApi<State> {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export function vscodeApi<State>(): VsCodeApi<State> {
  return acquireVsCodeApi<State>();
}
