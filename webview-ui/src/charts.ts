// Line charts drawn with uPlot in the theme's chart colours, as figures: a caption, a legend that
// shows the latest values (or the hovered point's), the canvas, a placeholder while there is no
// data, and the chart in words for screen readers (the canvas itself is hidden from them).
// The canvas follows its box's width (ResizeObserver) and is redrawn in a new theme's colours.
// uPlot styles through the CSSOM only, which the CSP allows.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartSummary, EPOCH_INCREMENTS, epochText, lastIndex, legendValue, tickText } from './chartText';
import { fill, h } from './dom';
import { themeColors } from './theme';

export type ChartColor = 'blue' | 'orange' | 'green' | 'red' | 'purple' | 'yellow';

export interface SeriesSpec {
  label: string;
  color: ChartColor;
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  series: SeriesSpec[];
  format(value: number): string;
  /** Per-epoch charts have a point per whole epoch: mark each point, tick only whole epochs. */
  perEpoch?: boolean;
  /** What stands in the chart's place before it has a point: while the job runs, and after it ended. */
  empty: { running: string; ended: string };
}

const HEIGHT = 200;
const NARROW_HEIGHT = 160;
const NARROW_WIDTH = 360;
const FALLBACK: Record<ChartColor, string> = {
  blue: '#3794ff',
  orange: '#d18616',
  green: '#89d185',
  red: '#f14c4c',
  purple: '#b180d7',
  yellow: '#cca700',
};

let nextId = 1;

export class LineChart {
  /** The figure to put in the page. */
  readonly element: HTMLElement;
  private readonly plotBox = h('div', { className: 'plot' });
  private readonly placeholder = h('p', { className: 'placeholder' });
  private readonly summary = h('p', { className: 'visually-hidden' });
  private readonly legend = h('ul', { className: 'legend' });
  private plot: uPlot | undefined;
  private data: uPlot.AlignedData = [[]];

  constructor(private readonly spec: ChartSpec) {
    const captionId = `chart-${nextId++}`;
    this.plotBox.setAttribute('aria-hidden', 'true');
    this.element = h(
      'figure',
      { className: 'chart' },
      h('figcaption', { id: captionId }, spec.title),
      this.legend,
      this.plotBox,
      this.placeholder,
      this.summary,
    );
    this.element.setAttribute('aria-labelledby', captionId);
    new ResizeObserver(() => this.fit()).observe(this.plotBox);
    this.showLegend(undefined);
  }

  /** Non-finite values (a diverged loss) become gaps: uPlot cannot scale an axis to NaN. */
  setData(x: number[], ys: number[][], running: boolean): void {
    this.data = [x, ...ys.map((s) => s.map((v) => (Number.isFinite(v) ? v : null)))];
    const empty = x.length === 0;
    this.placeholder.hidden = !empty;
    this.placeholder.textContent = running ? this.spec.empty.running : this.spec.empty.ended;
    this.plotBox.hidden = empty;
    this.summary.textContent = chartSummary(
      x,
      this.spec.series.map((s, i) => ({ label: s.label, values: this.data[i + 1] as Array<number | null> })),
      this.spec.format,
      this.spec.perEpoch ? ['epoch', 'epochs'] : ['batch', 'batches'],
    );
    if (this.plot) this.plot.setData(this.data);
    else this.fit();
    this.showLegend(undefined);
  }

  /** Redraws with the current theme's colours. */
  rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.fit();
    this.showLegend(undefined);
  }

  /** Sizes the canvas to its box; builds it once the box has a width and there is data. */
  private fit(): void {
    const width = this.plotBox.clientWidth;
    if (width === 0 || this.data[0].length === 0) return;
    const height = width < NARROW_WIDTH ? NARROW_HEIGHT : HEIGHT;
    if (this.plot) this.plot.setSize({ width, height });
    else this.build(width, height);
  }

  /** The values at point `idx` (the hovered one), or each series' latest. */
  private showLegend(idx: number | null | undefined): void {
    const [x, ...ys] = this.data;
    const hovered = idx ?? null;
    const xs = Array.from(x, (v) => v ?? Number.NaN);
    const xi = hovered ?? lastIndex(xs);
    fill(
      this.legend,
      h('li', { className: 'legend-x' }, xi >= 0 ? epochText(xs[xi]) : 'epoch –'),
      ...this.spec.series.map((s, i) => {
        const swatch = h('span', { className: 'swatch' });
        swatch.style.setProperty('border-top-color', themeColors.css(`--vscode-charts-${s.color}`, FALLBACK[s.color]));
        if (s.dashed) swatch.style.setProperty('border-top-style', 'dashed');
        const values = Array.from(ys[i] ?? [], (v) => v ?? null);
        return h(
          'li',
          {},
          swatch,
          `${s.label} `,
          h('span', { className: 'legend-value' }, legendValue(xs, values, hovered, this.spec.format)),
        );
      }),
    );
  }

  private build(width: number, height: number): void {
    const fg = themeColors.css('--vscode-charts-foreground', 'currentColor');
    const grid = themeColors.css('--vscode-charts-lines', 'rgba(128,128,128,0.3)');
    const font = `11px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
    const axis = (values: uPlot.Axis['values']): uPlot.Axis => ({
      stroke: fg,
      font,
      labelFont: font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      values,
    });
    const fmt = this.spec.format;
    this.plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        scales: { x: { time: false } },
        cursor: { drag: { x: false, y: false } },
        series: [
          {},
          ...this.spec.series.map((s): uPlot.Series => ({
            label: s.label,
            stroke: themeColors.css(`--vscode-charts-${s.color}`, FALLBACK[s.color]),
            width: 1.5,
            dash: s.dashed ? [6, 4] : undefined,
            // Every point on the per-epoch charts; on the per-batch ones uPlot's default, points
            // only while they are few (a single batch is a point, not an empty frame).
            points: this.spec.perEpoch ? { show: true, size: 6 } : undefined,
          })),
        ],
        axes: [
          {
            ...axis((_u, splits, _axis, _space, increment) => splits.map((v) => tickText(v, increment))),
            label: 'epoch',
            labelSize: 16,
            labelGap: 0,
            // Round steps only (no 0.025); whole epochs only on the per-epoch charts.
            incrs: this.spec.perEpoch ? EPOCH_INCREMENTS.filter((i) => i >= 1) : [...EPOCH_INCREMENTS],
          },
          { ...axis((_u, splits) => splits.map(fmt)), size: 56 },
        ],
        hooks: { setCursor: [(u) => this.showLegend(u.cursor.idx)] },
      },
      this.data,
      this.plotBox,
    );
  }
}
