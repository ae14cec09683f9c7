// A pad to draw a digit on with a mouse, a finger or a pen (pointer events), in strokes as wide
// relative to the digit as MNIST's. While drawing, and a moment after each change, the drawing
// is made into an MNIST digit (mnistPreprocess.ts) and handed on to be classified; a small
// preview shows what the model sees. Clear starts again.
import { button } from './buttons';
import { digitCanvas, drawDigit } from './digitCanvas';
import { h } from './dom';
import { FIELD, toMnist } from './mnistPreprocess';

/** The pad's own resolution; CSS may show it smaller on a narrow panel. */
const PAD = 224;
/** A stroke about a tenth of the pad: scaled to MNIST's 20-pixel box, 2 pixels or so, as MNIST's pens. */
const BRUSH = 20;
/** Classify this long after the last change (and not more often while drawing). */
const DEBOUNCE_MS = 150;

export class DrawingPad {
  readonly element: HTMLElement;
  private readonly pad: HTMLCanvasElement;
  private readonly preview = digitCanvas('What the model sees: the drawing at 28 by 28 pixels, centred as MNIST digits are', 'digit-image');
  private last: { x: number; y: number } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private empty = true;

  constructor(
    /** The drawing as the model's input (FIELD x FIELD grey bytes), or undefined once cleared. */
    private readonly onDigit: (pixels: Uint8Array | undefined) => void,
  ) {
    this.pad = h('canvas', {
      id: 'drawing-pad',
      className: 'pad',
      attrs: { role: 'img', 'aria-label': 'Drawing pad: draw a digit with the mouse, a finger or a pen' },
    });
    this.pad.width = PAD;
    this.pad.height = PAD;
    this.pad.addEventListener('pointerdown', (e) => this.start(e));
    this.pad.addEventListener('pointermove', (e) => this.move(e));
    for (const end of ['pointerup', 'pointercancel'] as const) this.pad.addEventListener(end, () => this.end());
    const clear = button('Clear', () => this.clear(), { id: 'clear-pad', secondary: true });
    this.element = h(
      'div',
      { className: 'drawing' },
      this.pad,
      h('div', { className: 'drawing-side' }, clear, h('p', { className: 'muted' }, 'What the model sees:'), this.preview),
    );
    this.clear();
  }

  clear(): void {
    const context = this.context();
    context.fillStyle = '#000';
    context.fillRect(0, 0, PAD, PAD);
    drawDigit(this.preview, new Uint8Array(FIELD * FIELD), FIELD, FIELD);
    clearTimeout(this.timer);
    if (!this.empty) this.onDigit(undefined);
    this.empty = true;
  }

  private context(): CanvasRenderingContext2D {
    const context = this.pad.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('the drawing pad has no 2D context');
    return context;
  }

  /** The pointer's position in the pad's own pixels, whatever size CSS shows it at. */
  private point(e: PointerEvent): { x: number; y: number } {
    const rect = this.pad.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) * PAD) / rect.width, y: ((e.clientY - rect.top) * PAD) / rect.height };
  }

  private start(e: PointerEvent): void {
    e.preventDefault();
    this.pad.setPointerCapture(e.pointerId);
    this.last = this.point(e);
    this.stroke(this.last);
  }

  private move(e: PointerEvent): void {
    if (!this.last) return;
    this.stroke(this.point(e));
  }

  private end(): void {
    this.last = undefined;
  }

  private stroke(to: { x: number; y: number }): void {
    const from = this.last ?? to;
    const context = this.context();
    context.strokeStyle = '#fff';
    context.lineWidth = BRUSH;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    this.last = to;
    this.empty = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.digit(), DEBOUNCE_MS);
  }

  private digit(): void {
    const { data } = this.context().getImageData(0, 0, PAD, PAD);
    const values = new Float32Array(PAD * PAD);
    for (let i = 0; i < values.length; i++) values[i] = data[i * 4] / 255;
    const pixels = toMnist({ width: PAD, height: PAD, values });
    drawDigit(this.preview, pixels, FIELD, FIELD);
    this.onDigit(pixels);
  }
}
