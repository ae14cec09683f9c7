// The runs table's script: asks the host for the rows with `ready` (the page reloads whenever it
// is shown again), draws each checked `rows` message, and keeps the user's filter, sort, grouping
// and selection in the webview's state across those reloads.
import { isHostToRuns, type RunsToHost } from '../../../src/protocol/runsTable';
import '../panel.css';
import { vscodeApi } from '../vscodeApi';
import { type RunsState, RunsView } from './runsView';

const vscode = vscodeApi<RunsState, RunsToHost>();
const app = document.getElementById('app');
if (!app) throw new Error('the runs page has no #app element');
const view = new RunsView(app, vscode.getState() as RunsState | undefined, {
  send: (message) => vscode.postMessage(message),
  save: (state) => vscode.setState(state),
});

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isHostToRuns(e.data)) view.setRows(e.data.rows, e.data.folder);
});

vscode.postMessage({ type: 'ready' });
