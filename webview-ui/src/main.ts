// The training panel's script: restores the saved state at once (no blank panel while the
// host answers), asks the host for the session log with `ready`, then applies each checked
// message and redraws at most once per frame.
import { PanelCommand, isHostToWebview } from '../../src/protocol/webview';
import { decodeNonFinite, encodeNonFinite } from '../../src/protocol/nonFinite';
import './panel.css';
import { InspectClient } from './inspectClient';
import { applyMessage, restoreState, savesAtOnce } from './panelState';
import { PanelView } from './view';
import { vscodeApi } from './vscodeApi';

/** setState copies the whole state (batch series included): not on every batch (savesAtOnce). */
const SAVE_INTERVAL_MS = 1000;

// The saved state is JSON too: its non-finite numbers go encoded, as the host's messages do.
const vscode = vscodeApi<unknown>();
let state = restoreState(decodeNonFinite(vscode.getState()));
const waiting = new Map<number, PanelCommand>();
let nextRequestId = 1;

const app = document.getElementById('app');
if (!app) throw new Error('the panel page has no #app element');
const inspect = new InspectClient((message) => vscode.postMessage(message));
const view = new PanelView(
  app,
  (command) => {
    const id = nextRequestId++;
    waiting.set(id, command);
    view.setPending(command, true);
    scheduleRender();
    vscode.postMessage({ type: 'request', id, command });
  },
  inspect,
);

let frame = 0;
function scheduleRender(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    view.render(state);
  });
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleSave(now: boolean): void {
  if (now) {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    vscode.setState(encodeNonFinite(state));
  } else {
    saveTimer ??= setTimeout(() => scheduleSave(true), SAVE_INTERVAL_MS);
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const message = decodeNonFinite(e.data);
  if (!isHostToWebview(message)) return;
  if (message.type === 'inspectReply') {
    inspect.receive(message);
    return;
  }
  if (message.type === 'reply') {
    const command = waiting.get(message.id);
    if (command === undefined) return;
    waiting.delete(message.id);
    view.setPending(command, false, message.error);
  } else {
    state = applyMessage(state, message);
    scheduleSave(savesAtOnce(message));
  }
  scheduleRender();
});

// VS Code switches the body's theme class on a theme change; the charts and heat maps hold colours as values.
new MutationObserver(() => view.themeChanged(state)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

view.render(state);
vscode.postMessage({ type: 'ready' });
