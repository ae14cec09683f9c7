// "Inside the model", below an evaluation: the gallery of test images (misclassified, or one
// confusion-matrix cell's), the row-by-row view of the image picked, and a pad to draw a digit
// that the checkpoint classifies as it is drawn. Questions go to the host (InspectClient), which
// has the evaluated checkpoint opened in a training process.
import { toBase64 } from '../../src/protocol/binary';
import { type Predictions, decodePredictions } from '../../src/protocol/predictions';
import type { InspectTarget } from '../../src/protocol/webview';
import { DrawingPad } from './drawingPad';
import { h } from './dom';
import { Gallery } from './gallery';
import type { InspectClient } from './inspectClient';
import type { EvaluationView } from './panelState';
import { RowView } from './rowView';

export class InspectionSection {
  readonly element: HTMLElement;
  private readonly gallery: Gallery;
  private readonly picked = new RowView('Test image');
  private readonly drawn = new RowView('Your drawing');
  private readonly galleryTitle = h('h3', { id: 'gallery-title', attrs: { tabindex: '-1' } }, 'Test images');
  private target: InspectTarget | undefined;
  private predictions: Predictions | undefined;
  /** The evaluation shown, so that a render of the same one keeps what the user picked. */
  private shown = '';
  /** Answers that arrive after a newer question are dropped. */
  private pickCount = 0;
  private drawCount = 0;

  constructor(private readonly client: InspectClient) {
    this.gallery = new Gallery((index) => void this.pick(index));
    const pad = new DrawingPad((pixels) => void this.classify(pixels));
    this.picked.showMessage('Pick an image above to see its prediction form row by row.');
    this.drawn.showMessage('Draw a digit: the checkpoint reads it as you draw.');
    this.element = h(
      'div',
      { id: 'inspection', className: 'inspection' },
      this.galleryTitle,
      this.gallery.element,
      h('h3', { id: 'rows-title' }, 'Row by row'),
      h('p', { className: 'muted' }, 'The LSTM reads an image one row at a time, top to bottom; its prediction forms as it reads.'),
      this.picked.element,
      h('h3', { id: 'draw-title' }, 'Draw a digit'),
      pad.element,
      this.drawn.element,
    );
  }

  /** The evaluation to inspect; hidden when it has no per-image predictions (a panel from an older version). */
  setEvaluation(view: EvaluationView | undefined): void {
    const r = view?.result;
    const key = view && r && view.predictions ? `${view.job.id}` : '';
    this.element.hidden = key === '';
    if (key === this.shown) return;
    this.shown = key;
    if (!view || !r || !view.predictions) return;
    this.target = { checkpoint: view.checkpoint ?? view.job.label, testCount: r.count };
    try {
      this.predictions = decodePredictions(view.predictions);
    } catch {
      this.predictions = undefined;
    }
    const target = this.target;
    this.gallery.setSource(this.predictions, (request) => this.client.ask(target, request));
  }

  /** A confusion-matrix cell was picked: its images in the gallery, and the keyboard taken there. */
  showCell(label: number, predicted: number): void {
    this.gallery.setFilter({ kind: 'cell', label, predicted });
    this.galleryTitle.scrollIntoView({ block: 'start' });
    this.galleryTitle.focus();
  }

  private async pick(index: number): Promise<void> {
    if (!this.target) return;
    const count = ++this.pickCount;
    this.picked.showMessage(`Reading test image ${index}…`);
    try {
      const result = await this.client.ask(this.target, { kind: 'rows', index });
      if (count !== this.pickCount || result.kind !== 'rows') return;
      const label = result.label ?? this.predictions?.labels[index];
      this.picked.show(result, `Test image ${index}${label === undefined ? '' : `, a ${label}`}`);
      this.picked.element.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      if (count === this.pickCount) this.picked.showMessage(`Test image ${index} could not be read: ${(e as Error).message}`);
    }
  }

  private async classify(pixels: Uint8Array | undefined): Promise<void> {
    const count = ++this.drawCount;
    if (!pixels || !this.target) {
      this.drawn.showMessage('Draw a digit: the checkpoint reads it as you draw.');
      return;
    }
    try {
      const result = await this.client.ask(this.target, { kind: 'classify', pixels: toBase64(pixels) });
      if (count === this.drawCount && result.kind === 'rows') this.drawn.show(result, 'Your drawing');
    } catch (e) {
      if (count === this.drawCount) this.drawn.showMessage(`The drawing could not be classified: ${(e as Error).message}`);
    }
  }
}
