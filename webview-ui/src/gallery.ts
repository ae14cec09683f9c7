// The gallery of test images: the misclassified ones, most confidently wrong first, or one
// confusion-matrix cell's; a page at a time (the images of a page are fetched together and
// kept), each a button that opens its row-by-row view. A test image can also be opened by its
// index. The summary line is a polite live region, so a new filter is said.
import { button } from './buttons';
import { bytesFromBase64 } from '../../src/protocol/binary';
import { type ImageFilter, type Predictions, selectImages } from '../../src/protocol/predictions';
import { digitCanvas, drawDigit } from './digitCanvas';
import { fill, h } from './dom';
import { filterText, galleryPage, imageCaption, imageLabel } from './galleryModel';
import type { Ask } from './inspectClient';

export class Gallery {
  readonly element: HTMLElement;
  private readonly summary = h('p', { className: 'gallery-summary', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly grid = h('div', { className: 'gallery-grid' });
  private readonly range = h('span', { className: 'muted' });
  private readonly previous = button('Previous', () => this.goToPage(this.page - 1), { secondary: true });
  private readonly next = button('Next', () => this.goToPage(this.page + 1), { secondary: true });
  private readonly showAll = button('All misclassified', () => this.setFilter({ kind: 'misclassified' }), { secondary: true });
  private readonly indexInput = h('input', { id: 'image-index', className: 'index-input' });
  private readonly error = h('p', { className: 'error', attrs: { role: 'alert' } });
  private predictions: Predictions | undefined;
  private filter: ImageFilter = { kind: 'misclassified' };
  private page = 0;
  /** Images fetched so far, by index (cleared with the evaluation). */
  private readonly images = new Map<number, Uint8Array>();
  private size = { rows: 28, cols: 28 };
  private ask: Ask | undefined;

  constructor(private readonly onSelect: (index: number) => void) {
    this.indexInput.type = 'number';
    this.indexInput.min = '0';
    const openIndex = (): void => {
      const index = Number(this.indexInput.value);
      const count = this.predictions?.labels.length ?? 0;
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        this.showError(`A test image number is a whole number from 0 to ${count - 1}.`);
        return;
      }
      this.showError('');
      this.onSelect(index);
    };
    const open = button('Show', openIndex, { secondary: true });
    this.indexInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') openIndex();
    });
    this.error.hidden = true;
    this.element = h(
      'div',
      { className: 'gallery' },
      h('div', { className: 'gallery-bar' }, this.summary, this.showAll),
      this.grid,
      h('div', { className: 'gallery-bar' }, this.previous, this.range, this.next),
      h('div', { className: 'gallery-bar' }, h('label', { attrs: { for: 'image-index' } }, 'Test image number'), this.indexInput, open),
      this.error,
    );
  }

  /** A new evaluation: its predictions, and how to fetch its images. */
  setSource(predictions: Predictions | undefined, ask: Ask | undefined): void {
    this.predictions = predictions;
    this.ask = ask;
    this.images.clear();
    this.indexInput.max = String((predictions?.labels.length ?? 1) - 1);
    this.setFilter({ kind: 'misclassified' });
  }

  setFilter(filter: ImageFilter): void {
    this.filter = filter;
    this.page = 0;
    this.render();
  }

  private goToPage(page: number): void {
    this.page = page;
    this.render();
  }

  private showError(text: string): void {
    this.error.textContent = text;
    this.error.hidden = text === '';
  }

  private render(): void {
    if (!this.predictions) return;
    const all = selectImages(this.predictions, this.filter);
    const page = galleryPage(all, this.page);
    this.page = page.page;
    this.summary.textContent = filterText(this.filter, all.length);
    this.showAll.hidden = this.filter.kind === 'misclassified';
    this.range.textContent = page.range;
    this.previous.disabled = page.page === 0;
    this.next.disabled = page.page >= page.pages - 1;
    const canvases = new Map<number, HTMLCanvasElement>();
    fill(
      this.grid,
      ...page.items.map((image) => {
        const canvas = digitCanvas(imageLabel(image));
        canvas.setAttribute('aria-hidden', 'true');
        canvases.set(image.index, canvas);
        const item = h(
          'button',
          { className: `digit${image.label === image.predicted ? '' : ' wrong'}`, attrs: { 'aria-label': imageLabel(image) } },
          canvas,
          h('span', { className: 'digit-caption' }, imageCaption(image)),
        );
        item.addEventListener('click', () => this.onSelect(image.index));
        return item;
      }),
    );
    void this.draw(canvases);
  }

  /** Draws the page's images, fetching those not fetched yet in one request. */
  private async draw(canvases: Map<number, HTMLCanvasElement>): Promise<void> {
    const missing = [...canvases.keys()].filter((i) => !this.images.has(i));
    if (missing.length > 0 && this.ask) {
      try {
        const result = await this.ask({ kind: 'images', indices: missing });
        if (result.kind !== 'images') return;
        this.size = { rows: result.rows, cols: result.cols };
        const bytes = bytesFromBase64(result.pixels);
        const n = result.rows * result.cols;
        missing.forEach((index, i) => this.images.set(index, bytes.subarray(i * n, (i + 1) * n)));
        this.showError('');
      } catch (e) {
        this.showError(`The images could not be read: ${(e as Error).message}`);
        return;
      }
    }
    for (const [index, canvas] of canvases) {
      const pixels = this.images.get(index);
      if (pixels) drawDigit(canvas, pixels, this.size.rows, this.size.cols);
    }
  }
}
