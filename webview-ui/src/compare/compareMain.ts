// The comparison panel's script: asks the host for the runs with `ready` (the page reloads
// whenever it is shown again), and draws each checked `runs` message.
import { type CompareToHost, isHostToCompare } from '../../../src/protocol/compare';
import '../panel.css';
import { vscodeApi } from '../vscodeApi';
import { CompareView } from './compareView';

const vscode = vscodeApi<undefined, CompareToHost>();
const app = document.getElementById('app');
if (!app) throw new Error('the comparison page has no #app element');
const view = new CompareView(app);

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isHostToCompare(e.data)) view.render(e.data.runs);
});

// VS Code switches the body's theme class on a theme change; the charts hold colours as values.
new MutationObserver(() => view.themeChanged()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

vscode.postMessage({ type: 'ready' });
