// The panel's tables: metrics per epoch (best epoch marked), accuracy per class and the
// confusion matrix, heat-coloured with the theme's chart colours. Plain tables rather than
// vscode-table: they are small, static, and need per-cell colours and exact markup for tests.
import type { EpochMetrics, EvaluationResult } from '../../src/protocol/training';
import { h, tint } from './dom';
import { fixed, percent, seconds } from '../../src/protocol/format';

export function epochTable(epochs: EpochMetrics[], best: number | undefined): HTMLTableElement {
  const head = h(
    'tr',
    {},
    ...['Epoch', 'train loss', 'train accuracy', 'test loss', 'test accuracy', 'seconds'].map((t) => h('th', {}, t)),
  );
  const rows = epochs.map((m) => {
    const isBest = m.epoch === best;
    return h(
      'tr',
      { className: isBest ? 'best' : undefined, title: isBest ? 'Best test accuracy' : undefined },
      h('td', {}, isBest ? `★ ${m.epoch}` : String(m.epoch)),
      h('td', {}, fixed(m.loss)),
      h('td', {}, percent(m.accuracy)),
      h('td', {}, fixed(m.valLoss)),
      h('td', {}, percent(m.valAccuracy)),
      h('td', {}, seconds(m.seconds)),
    );
  });
  return h('table', { id: 'epochs-table', className: 'metrics' }, h('thead', {}, head), h('tbody', {}, ...rows));
}

/** One column per digit; the more errors a class has compared with the worst one, the redder. */
export function perClassTable(result: EvaluationResult): HTMLTableElement {
  const errors = result.perClassAccuracy.map((a) => 1 - a);
  const worst = Math.max(...errors.filter(Number.isFinite), 0);
  const cells = result.perClassAccuracy.map((a, digit) => {
    const td = h('td', { title: `digit ${digit}: ${percent(a)} correct` }, percent(a, 1));
    if (worst > 0) tint(td, '--vscode-charts-red', (0.5 * (1 - a)) / worst);
    return td;
  });
  return h(
    'table',
    { id: 'per-class-table', className: 'metrics heat' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Digit'), ...result.perClassAccuracy.map((_, d) => h('th', {}, String(d))))),
    h('tbody', {}, h('tr', {}, h('th', {}, 'Accuracy'), ...cells)),
  );
}

/**
 * Rows are the true digit, columns the predicted one. A cell's colour is its share of the row:
 * green on the diagonal (correct), red off it (confusions), so the rare mistakes stand out.
 */
export function confusionTable(result: EvaluationResult): HTMLTableElement {
  const classes = result.confusion.length;
  const digits = Array.from({ length: classes }, (_, d) => d);
  const head = h(
    'tr',
    {},
    h('th', { className: 'corner', title: 'rows: true digit, columns: predicted digit' }, 'true \\ pred'),
    ...digits.map((d) => h('th', {}, String(d))),
  );
  const rows = result.confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    // Off-diagonal shares are small: scale them up so a 2% confusion is visible.
    const cells = row.map((count, p) => {
      const share = total > 0 ? count / total : 0;
      const td = h('td', { title: `true ${t}, predicted ${p}: ${count} (${percent(share, 1)} of ${total})` }, String(count));
      if (p === t) tint(td, '--vscode-charts-green', 0.15 + 0.55 * share);
      else tint(td, '--vscode-charts-red', count > 0 ? 0.1 + Math.min(0.45, 10 * share) : 0);
      return td;
    });
    return h('tr', {}, h('th', {}, String(t)), ...cells);
  });
  return h('table', { id: 'confusion-table', className: 'metrics heat confusion' }, h('thead', {}, head), h('tbody', {}, ...rows));
}
