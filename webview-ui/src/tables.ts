// The panel's tables: metrics per epoch (the best epoch marked), accuracy per digit and the
// confusion matrix, heat-coloured from the theme with text that stays readable (theme.ts). Each
// has a caption that says how to read it, header cells with their scope, and a box of its own
// that scrolls when the panel is narrower than the table (row headers stay in view). Plain
// tables rather than vscode-table: they are small, static, and need per-cell colours.
import type { EpochMetrics, EvaluationResult } from '../../src/protocol/training';
import { h } from './dom';
import { fixed, percent, seconds } from '../../src/protocol/format';
import { heat } from './theme';

const GREEN: [string, string] = ['--vscode-charts-green', '#89d185'];
const RED: [string, string] = ['--vscode-charts-red', '#f14c4c'];

/**
 * The table in a box that scrolls it when it does not fit. A box that scrolls is a tab stop
 * (role region, named by the table's caption), so the keyboard can scroll it too.
 */
export function scrollBox(table: HTMLTableElement, className = ''): HTMLElement {
  const box = h('div', { className: `table-box ${className}`.trim() }, table);
  const label = table.caption?.textContent ?? '';
  new ResizeObserver(() => {
    const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
    if (scrolls) {
      box.tabIndex = 0;
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', label);
    } else {
      box.removeAttribute('tabindex');
      box.removeAttribute('role');
      box.removeAttribute('aria-label');
    }
  }).observe(box);
  return box;
}

/** A cell that acts as a button, for the mouse and the keyboard. */
function clickable(cell: HTMLElement, label: string, action: () => void): void {
  cell.tabIndex = 0;
  cell.classList.add('pick');
  cell.setAttribute('role', 'button');
  cell.setAttribute('aria-label', label);
  cell.addEventListener('click', action);
  cell.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    action();
  });
}

const col = (text: string): HTMLTableCellElement => h('th', { attrs: { scope: 'col' } }, text);
export const row = (text: string): HTMLTableCellElement => h('th', { attrs: { scope: 'row' } }, text);

/** `best`: the epoch to mark, if any (the panel marks one from two epochs on). */
/** `rates`: a column of each epoch's learning rate (under a schedule). */
export function epochTable(epochs: EpochMetrics[], best: number | undefined, rates = false): HTMLTableElement {
  const caption =
    'Loss and accuracy on the training batches and, after each epoch, on the test set' +
    (best === undefined ? '.' : '; ★ marks the best test accuracy.');
  const norms = epochs.some((m) => m.gradNorm !== undefined);
  const rows = epochs.map((m) => {
    const isBest = m.epoch === best;
    return h(
      'tr',
      { className: isBest ? 'best' : undefined },
      row(isBest ? `★ ${m.epoch}` : String(m.epoch)),
      h('td', {}, fixed(m.loss)),
      h('td', {}, percent(m.accuracy)),
      h('td', {}, fixed(m.valLoss)),
      h('td', {}, percent(m.valAccuracy)),
      h('td', {}, seconds(m.seconds)),
      rates && h('td', {}, m.learningRate === undefined ? '–' : String(m.learningRate)),
      norms && h('td', {}, m.gradNorm === undefined ? '–' : fixed(m.gradNorm, 3)),
    );
  });
  return h(
    'table',
    { id: 'epochs-table', className: 'metrics' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Epoch',
          'train loss',
          'train accuracy',
          'test loss',
          'test accuracy',
          'time',
          ...(rates ? ['learning rate'] : []),
          ...(norms ? ['gradient norm'] : []),
        ].map(col),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

/** One column per digit; the more errors a digit has compared with the worst one, the redder. */
export function perClassTable(result: EvaluationResult): HTMLTableElement {
  const errors = result.perClassAccuracy.map((a) => 1 - a);
  const worst = Math.max(...errors.filter(Number.isFinite), 0);
  const cells = result.perClassAccuracy.map((a, digit) => {
    const td = h('td', { title: `digit ${digit}: ${percent(a)} correct` }, percent(a, 1));
    if (worst > 0) heat(td, ...RED, (0.5 * (1 - a)) / worst);
    return td;
  });
  return h(
    'table',
    { id: 'per-class-table', className: 'metrics heat' },
    h('caption', {}, "Share of each digit's test images classified correctly; the redder, the more errors."),
    h('thead', {}, h('tr', {}, col('Digit'), ...result.perClassAccuracy.map((_, d) => col(String(d))))),
    h('tbody', {}, h('tr', {}, row('Accuracy'), ...cells)),
  );
}

/**
 * Rows are the true digit, columns the predicted one. A cell's colour is its share of the row:
 * green on the diagonal (correct), red off it (confusions), so the rare mistakes stand out.
 * With `onCell`, a cell with images is a button (click, Enter or Space) that shows them.
 */
export function confusionTable(result: EvaluationResult, onCell?: (label: number, predicted: number) => void): HTMLTableElement {
  const digits = result.confusion.map((_, d) => String(d));
  const rows = result.confusion.map((counts, t) => {
    const total = counts.reduce((a, b) => a + b, 0);
    // Off-diagonal shares are small: scale them up so a 2% confusion is visible.
    const cells = counts.map((count, p) => {
      const share = total > 0 ? count / total : 0;
      const td = h('td', { title: `true ${t}, predicted ${p}: ${count} (${percent(share, 1)} of ${total})` }, String(count));
      if (p === t) heat(td, ...GREEN, 0.15 + 0.55 * share);
      else heat(td, ...RED, count > 0 ? 0.1 + Math.min(0.45, 10 * share) : 0);
      if (onCell && count > 0) clickable(td, `Show the ${count} test images of ${t} predicted as ${p}`, () => onCell(t, p));
      return td;
    });
    return h('tr', {}, row(String(t)), ...cells);
  });
  return h(
    'table',
    { id: 'confusion-table', className: 'metrics heat confusion' },
    h(
      'caption',
      {},
      'Test images by true digit (rows) and predicted digit (columns); the diagonal holds the correct predictions.' +
        (onCell ? ' Pick a cell to see its images.' : ''),
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('td', { className: 'corner' }),
        h('th', { attrs: { scope: 'colgroup', colspan: String(digits.length) } }, 'predicted digit →'),
      ),
      h('tr', {}, col('true digit ↓'), ...digits.map(col)),
    ),
    h('tbody', {}, ...rows),
  );
}
