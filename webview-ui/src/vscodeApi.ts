// The API VS Code injects into webviews (one call per page load), typed for a panel's messages.
import type { WebviewToHost } from '../../src/protocol/webview';

export interface VsCodeApi<State, Out> {
  postMessage(message: Out): void;
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State, Out>(): VsCodeApi<State, Out>;

/** `Out`: what the page sends its host (the training panel's messages unless said). */
export function vscodeApi<State, Out = WebviewToHost>(): VsCodeApi<State, Out> {
  return acquireVsCodeApi<State, Out>();
}
