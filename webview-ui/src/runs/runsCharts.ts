// The runs table's two charts, as SVG drawn at the box's width (so text keeps its size from
// 280 px up), coloured by CSS from the theme's chart colours: parallel coordinates (one axis per
// hyperparameter that varies among the shown runs, then the test accuracy; a line per run) and a
// scatter of the test accuracy against one hyperparameter. uPlot, which draws the training
// charts, has neither; a small module here is lighter than a charting library for two figures.
// Rates spread over a decade or more are on a log scale. Each chart is an image with a name that
// says what it shows, and the table above holds every number it draws.
import { column, type Column, HYPERPARAMETERS, type RunRow } from '../../../src/protocol/runsTable';
import { plural } from '../../../src/protocol/format';
import { h } from '../dom';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 220;
const PAD = { top: 28, bottom: 22, left: 12, right: 12 };
/** Narrower than this, the charts would not be read: the box says so instead. */
const MIN_WIDTH = 120;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: Array<Node | string>
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

/** Maps a column's values among `rows` onto 0..1 (log where they span a decade or more and are all positive). */
function scale(c: Column, rows: RunRow[]): { at(v: number): number; min: number; max: number } {
  const values = rows.map((r) => r[c.key] as number);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const log = min > 0 && max / min >= 10;
  const f = (v: number): number => (log ? Math.log(v) : v);
  const span = f(max) - f(min);
  return { at: (v) => (span === 0 ? 0.5 : (f(v) - f(min)) / span), min, max };
}

function chart(width: number, label: string, ...children: Node[]): SVGSVGElement {
  return svg('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': label }, ...children);
}

function placeholder(text: string): HTMLElement {
  return h('p', { className: 'placeholder' }, text);
}

/** The hyperparameters a chart can put on an axis: the numeric ones. */
export const AXIS_COLUMNS: readonly Column[] = HYPERPARAMETERS.filter((c) => c.numeric);

/** The numeric columns that vary among `rows`, then the test accuracy. */
function axesOf(rows: RunRow[]): Column[] {
  const varying = AXIS_COLUMNS.filter((c) => new Set(rows.map((r) => r[c.key])).size > 1);
  const seeds = new Set(rows.map((r) => r.seed)).size > 1 ? [column('seed')] : [];
  return [...varying, ...seeds, column('accuracy')];
}

export function parallelCoordinates(rows: RunRow[], selected: ReadonlySet<string>, width: number): Node {
  if (rows.length < 2) return placeholder('Two or more runs are drawn here, one line each across the hyperparameters that vary.');
  if (width < MIN_WIDTH) return placeholder('The panel is too narrow for this chart.');
  const axes = axesOf(rows);
  const scales = axes.map((c) => scale(c, rows));
  const x = (i: number): number => PAD.left + (axes.length === 1 ? 0.5 : i / (axes.length - 1)) * (width - PAD.left - PAD.right);
  const y = (t: number): number => HEIGHT - PAD.bottom - t * (HEIGHT - PAD.top - PAD.bottom);
  const anchor = (i: number): string => (i === 0 ? 'start' : i === axes.length - 1 ? 'end' : 'middle');
  const lines = rows.map((r) =>
    svg('polyline', {
      class: selected.has(r.path) ? 'run-line selected' : 'run-line',
      points: axes.map((c, i) => `${x(i)},${y(scales[i].at(r[c.key] as number))}`).join(' '),
    }),
  );
  // The selected runs are drawn last, over the others.
  lines.sort((a, b) => Number(a.classList.contains('selected')) - Number(b.classList.contains('selected')));
  const axisMarks = axes.flatMap((c, i) => [
    svg('line', { class: 'axis', x1: x(i), x2: x(i), y1: y(0), y2: y(1) }),
    svg('text', { class: 'axis-title', x: x(i), y: 12, 'text-anchor': anchor(i) }, c.title),
    svg('text', { class: 'axis-value', x: x(i), y: y(1) - 4, 'text-anchor': anchor(i) }, c.format(scales[i].max)),
    svg('text', { class: 'axis-value', x: x(i), y: HEIGHT - 6, 'text-anchor': anchor(i) }, c.format(scales[i].min)),
  ]);
  const label = `Parallel coordinates of ${plural(rows.length, 'run')}: ${axes.map((c) => c.title).join(', ')}; ${selected.size} selected runs highlighted.`;
  return chart(width, label, ...lines, ...axisMarks);
}

export function scatterPlot(rows: RunRow[], selected: ReadonlySet<string>, xColumn: Column, width: number): Node {
  if (rows.length === 0) return placeholder('No run is shown.');
  if (width < MIN_WIDTH) return placeholder('The panel is too narrow for this chart.');
  const accuracy = column('accuracy');
  const sx = scale(xColumn, rows);
  const sy = scale(accuracy, rows);
  const left = 64;
  const x = (t: number): number => left + t * (width - left - PAD.right - 8);
  const y = (t: number): number => HEIGHT - PAD.bottom - 14 - t * (HEIGHT - PAD.top - PAD.bottom - 14);
  const points = rows.map((r) =>
    svg(
      'circle',
      {
        class: selected.has(r.path) ? 'run-point selected' : 'run-point',
        cx: x(sx.at(r[xColumn.key] as number)),
        cy: y(sy.at(r.accuracy)),
        r: 4,
      },
      svg('title', {}, `${r.name}: ${xColumn.title} ${xColumn.format(r[xColumn.key])}, accuracy ${accuracy.format(r.accuracy)}`),
    ),
  );
  const marks = [
    svg('line', { class: 'axis', x1: x(0), x2: x(1), y1: y(0) + 8, y2: y(0) + 8 }),
    svg('line', { class: 'axis', x1: x(0) - 8, x2: x(0) - 8, y1: y(0), y2: y(1) }),
    svg('text', { class: 'axis-value', x: x(0), y: HEIGHT - 6, 'text-anchor': 'start' }, xColumn.format(sx.min)),
    svg('text', { class: 'axis-value', x: x(1), y: HEIGHT - 6, 'text-anchor': 'end' }, xColumn.format(sx.max)),
    svg('text', { class: 'axis-title', x: (x(0) + x(1)) / 2, y: HEIGHT - 6, 'text-anchor': 'middle' }, xColumn.title),
    svg('text', { class: 'axis-value', x: left - 12, y: y(1) + 4, 'text-anchor': 'end' }, accuracy.format(sy.max)),
    svg('text', { class: 'axis-value', x: left - 12, y: y(0) + 4, 'text-anchor': 'end' }, accuracy.format(sy.min)),
    svg('text', { class: 'axis-title', x: 0, y: 12, 'text-anchor': 'start' }, 'accuracy'),
  ];
  const label = `Test accuracy against ${xColumn.title} for ${plural(rows.length, 'run')}, from ${accuracy.format(sy.min)} to ${accuracy.format(sy.max)}.`;
  return chart(width, label, ...marks, ...points);
}
