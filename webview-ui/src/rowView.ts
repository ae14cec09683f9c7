// How a prediction forms as the LSTM reads an image one row at a time: the image with the rows
// read so far bright and the row being read marked, a heat map of the ten class probabilities
// after each of the rows (a table, so it can be read cell by cell), and controls to step and
// play through the rows. A status line says the leading class at the row shown; it is a polite
// live region, quiet while playing.
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import { button } from './buttons';
import { bytesFromBase64 } from '../../src/protocol/binary';
import { percent } from '../../src/protocol/format';
import { digitCanvas, drawDigit } from './digitCanvas';
import { fill, h } from './dom';
import { decodeRows, leading, rowSentence, type RowsResult } from './rowModel';
import { scrollBox } from './tables';
import { heat } from './theme';

const PLAY_STEP_MS = 250;

export class RowView {
  readonly element: HTMLElement;
  private readonly image: HTMLCanvasElement;
  private readonly caption = h('p', { className: 'row-caption' });
  private readonly status = h('p', { className: 'row-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly table = h('div', { className: 'row-table' });
  private readonly slider = h('input', { className: 'row-slider' });
  private readonly play = button('Play', () => this.togglePlay());
  private readonly body = h('div', { className: 'row-body' });
  /** Loading, or why there is nothing to show. */
  private readonly message = h('p', { className: 'muted', attrs: { role: 'status' } });
  private rows: Float32Array[] = [];
  private pixels: Uint8Array = new Uint8Array(0);
  private size = { rows: 0, cols: 0 };
  private current = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly name: string) {
    this.image = digitCanvas(name, 'digit-image large');
    this.slider.type = 'range';
    this.slider.min = '1';
    this.slider.setAttribute('aria-label', 'Rows read');
    this.slider.addEventListener('input', () => this.goTo(Number(this.slider.value)));
    const step = (text: string, label: string, row: () => number): VscodeButton =>
      button(text, () => this.goTo(row()), { secondary: true, label });
    const controls = h(
      'div',
      { className: 'row-controls' },
      step('First', 'First row', () => 1),
      step('◀', 'Previous row', () => this.current - 1),
      this.play,
      step('▶', 'Next row', () => this.current + 1),
      step('Last', 'Last row', () => this.rows.length),
      this.slider,
    );
    this.body.append(
      h('div', { className: 'row-image' }, this.image, this.caption),
      h('div', { className: 'row-detail' }, controls, this.status, this.table),
    );
    this.body.hidden = true;
    this.message.hidden = true;
    this.element = h('div', { className: 'row-view' }, this.message, this.body);
  }

  /** A message in place of the view (loading, or why there is nothing to show). */
  showMessage(text: string): void {
    this.stop();
    this.body.hidden = true;
    this.message.hidden = false;
    this.message.textContent = text;
  }

  show(result: RowsResult, caption: string): void {
    this.stop();
    this.rows = decodeRows(result);
    this.pixels = bytesFromBase64(result.pixels);
    this.size = { rows: result.rows, cols: result.cols };
    this.caption.textContent = caption;
    this.image.setAttribute('aria-label', `${this.name}: ${caption}`);
    this.slider.max = String(this.rows.length);
    fill(this.table, scrollBox(this.heatTable(), 'tall'));
    this.message.hidden = true;
    this.body.hidden = false;
    this.goTo(this.rows.length);
  }

  private heatTable(): HTMLTableElement {
    const classes = this.rows[0]?.length ?? 0;
    const digits = Array.from({ length: classes }, (_, d) => d);
    const body = this.rows.map((p, r) => {
      const top = leading(p).digit;
      const tr = h(
        'tr',
        {},
        h('th', { attrs: { scope: 'row' } }, String(r + 1)),
        ...digits.map((d) => {
          const td = h('td', { className: d === top ? 'top' : undefined }, percent(p[d], 0));
          heat(td, '--vscode-charts-blue', '#3794ff', 0.85 * p[d]);
          return td;
        }),
      );
      tr.addEventListener('click', () => this.goTo(r + 1));
      return tr;
    });
    return h(
      'table',
      { className: 'metrics heat rows-table' },
      h('caption', {}, `${this.name}: the probability of each digit after each row is read; the last row is the prediction.`),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'row'), ...digits.map((d) => h('th', { attrs: { scope: 'col' } }, String(d)))),
      ),
      h('tbody', {}, ...body),
    );
  }

  private goTo(row: number): void {
    if (this.rows.length === 0) return;
    this.current = Math.min(Math.max(1, row), this.rows.length);
    this.slider.value = String(this.current);
    drawDigit(this.image, this.pixels, this.size.rows, this.size.cols, this.current);
    this.status.textContent = rowSentence(this.rows, this.current);
    const rows = this.table.querySelectorAll<HTMLElement>('tbody tr');
    rows.forEach((tr, i) => tr.classList.toggle('current', i === this.current - 1));
    // The row shown stays in view inside its box (not the page: the box scrolls, the page stays).
    const box = this.table.querySelector<HTMLElement>('.table-box');
    const shown = rows[this.current - 1];
    if (box && shown) box.scrollTop = Math.max(0, shown.offsetTop - box.clientHeight / 2);
  }

  private togglePlay(): void {
    if (this.timer) {
      this.stop();
      return;
    }
    if (this.current >= this.rows.length) this.goTo(1);
    this.play.textContent = 'Pause';
    // Quiet while it plays: a sentence per row would drown a screen reader.
    this.status.setAttribute('aria-live', 'off');
    this.timer = setInterval(() => {
      this.goTo(this.current + 1);
      if (this.current >= this.rows.length) this.stop();
    }, PLAY_STEP_MS);
  }

  private stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.play.textContent = 'Play';
    this.status.setAttribute('aria-live', 'polite');
    // Said once it stops, where it stopped.
    if (this.rows.length > 0) this.status.textContent = rowSentence(this.rows, this.current);
  }
}
