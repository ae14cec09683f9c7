// Line charts drawn with uPlot in the theme's chart colours. uPlot draws on a canvas, which
// cannot read CSS variables, so the colours are read when a chart is built and the charts are
// rebuilt when the theme changes. uPlot styles through the CSSOM only, which the CSP allows.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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
}

const HEIGHT = 200;
const FALLBACK: Record<ChartColor, string> = {
  blue: '#3794ff',
  orange: '#d18616',
  green: '#89d185',
  red: '#f14c4c',
  purple: '#b180d7',
  yellow: '#cca700',
};

function themeColor(variable: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(variable).trim() || fallback;
}

export class LineChart {
  private plot: uPlot | undefined;
  private data: uPlot.AlignedData = [[]];

  constructor(
    private readonly container: HTMLElement,
    private readonly spec: ChartSpec,
  ) {
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(container);
  }

  /** Non-finite values (a diverged loss) become gaps: uPlot cannot scale an axis to NaN. */
  setData(x: number[], ys: number[][]): void {
    this.data = [x, ...ys.map((s) => s.map((v) => (Number.isFinite(v) ? v : null)))];
    if (this.plot) this.plot.setData(this.data);
    else this.build();
  }

  /** Rebuilds with the current theme's colours. */
  rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    if (this.data[0].length > 0) this.build();
  }

  private width(): number {
    return Math.max(200, this.container.clientWidth);
  }

  private build(): void {
    const fg = themeColor('--vscode-charts-foreground', themeColor('--vscode-foreground', '#cccccc'));
    const grid = themeColor('--vscode-charts-lines', 'rgba(128,128,128,0.3)');
    const font = `11px ${themeColor('--vscode-font-family', 'sans-serif')}`;
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
        title: this.spec.title,
        width: this.width(),
        height: HEIGHT,
        scales: { x: { time: false } },
        cursor: { drag: { x: false, y: false } },
        series: [
          { label: 'epoch', value: (_u, v) => (v == null ? '–' : this.spec.perEpoch ? String(v) : v.toFixed(2)) },
          ...this.spec.series.map((s): uPlot.Series => ({
            label: s.label,
            stroke: themeColor(`--vscode-charts-${s.color}`, FALLBACK[s.color]),
            width: 1.5,
            dash: s.dashed ? [6, 4] : undefined,
            points: { show: this.spec.perEpoch ?? false, size: 6 },
            value: (_u, v) => (v == null ? '–' : fmt(v)),
          })),
        ],
        axes: [
          {
            ...axis((_u, splits) => splits.map((v) => (this.spec.perEpoch ? String(v) : String(+v.toFixed(2))))),
            label: 'epoch',
            // Whole epochs only on the per-epoch charts.
            incrs: this.spec.perEpoch ? [1, 2, 5, 10, 20, 50, 100] : undefined,
          },
          { ...axis((_u, splits) => splits.map(fmt)), size: 60 },
        ],
      },
      this.data,
      this.container,
    );
  }
}
