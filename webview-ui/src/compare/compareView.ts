// The comparison panel's page: the runs' epoch curves overlaid (one colour per run, the legend
// names the runs), the hyperparameters with the rows that differ marked, and each run's result.
import { fixed, percent } from '../../../src/protocol/format';
import type { ComparedRun } from '../../../src/protocol/compare';
import { type ChartColor, LineChart } from '../charts';
import { breakable, fill, h } from '../dom';
import { row, scrollBox } from '../tables';
import { type Comparison, compare, type Metric, type TableRow } from './compareModel';

/** Six theme colours; beyond six runs the colours repeat, dashed. */
const COLORS: ChartColor[] = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

const FORMAT: Record<Metric, (v: number) => string> = {
  loss: (v) => fixed(v, 3),
  valLoss: (v) => fixed(v, 3),
  accuracy: (v) => percent(v, 1),
  valAccuracy: (v) => percent(v, 1),
};

export class CompareView {
  private readonly title = h('h2', { id: 'compare-title' }, 'Comparing runs');
  private readonly charts = h('div', { id: 'compare-charts', className: 'charts' });
  private readonly tables = h('div', { id: 'compare-tables' });
  private runs: ComparedRun[] = [];

  constructor(root: HTMLElement) {
    fill(
      root,
      h(
        'section',
        { attrs: { 'aria-labelledby': 'compare-title' } },
        this.title,
        h('p', { className: 'muted' }, 'Select two or more checkpoints in the Checkpoints view to compare them here.'),
        this.charts,
        this.tables,
      ),
    );
  }

  render(runs: ComparedRun[]): void {
    this.runs = runs;
    const c = compare(runs);
    fill(this.title, `Comparing ${runs.length} runs`);
    const charts = c.curves.map(
      (curve) =>
        new LineChart({
          title: curve.title,
          perEpoch: true,
          format: FORMAT[curve.metric],
          empty: { running: '', ended: 'No run has a finished epoch.' },
          series: c.names.map((name, i) => ({ label: name, color: COLORS[i % COLORS.length], dashed: i >= COLORS.length })),
        }),
    );
    fill(this.charts, ...charts.map((chart) => chart.element));
    // Data after the figures are in the page: a chart sizes its canvas to its box.
    charts.forEach((chart, i) => chart.setData(c.curves[i].x, c.curves[i].ys, false));
    fill(
      this.tables,
      h('h3', {}, 'Hyperparameters'),
      scrollBox(table('compare-hyperparameters', 'The runs’ settings; ≠ marks a setting that differs between them.', c, c.hyperparameters)),
      h('h3', {}, 'Results'),
      scrollBox(table('compare-results', 'Each run’s test result, training time and device; ≠ marks what differs.', c, c.results)),
    );
  }

  /** Redraws the charts in a new theme's colours. */
  themeChanged(): void {
    if (this.runs.length) this.render(this.runs);
  }
}

function table(id: string, caption: string, c: Comparison, rows: TableRow[]): HTMLTableElement {
  return h(
    'table',
    { id, className: 'metrics compare' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h('tr', {}, h('td', { className: 'corner' }), ...c.names.map((n) => h('th', { attrs: { scope: 'col' } }, breakable(n)))),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          { className: r.differs ? 'differs' : undefined },
          row(r.differs ? `≠ ${r.label}` : r.label),
          ...r.values.map((v) => h('td', {}, v)),
        ),
      ),
    ),
  );
}
