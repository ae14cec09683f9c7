// Looking inside the model, its pure parts: a drawing made into an MNIST digit (bounding box to
// 20x20 with its aspect, centre of mass at the centre), the gallery's selection, order and pages,
// the row-by-row words, base64 round trips, and the guards of the new messages.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { bytesFromBase64, floatsFromBase64, isBase64, toBase64 } from '../../src/protocol/binary';
import { isInspectRequest, isInspectResult, MAX_IMAGES_PER_REQUEST } from '../../src/protocol/inspection';
import { decodePredictions, type Predictions, selectImages } from '../../src/protocol/predictions';
import { isTrainingEvent, isWorkerCommand } from '../../src/protocol/training';
import { isHostToWebview, isWebviewToHost } from '../../src/protocol/webview';
import { filterText, galleryPage, imageCaption, imageLabel, PAGE_SIZE } from '../../webview-ui/src/galleryModel';
import { centreOfMass, FIELD, type Grey, inkBox, toMnist } from '../../webview-ui/src/mnistPreprocess';
import { decodeRows, rowSentence } from '../../webview-ui/src/rowModel';

/** A blank pad with the rectangle [left, right) x [top, bottom) inked. */
function pad(width: number, height: number, ...rects: Array<[number, number, number, number]>): Grey {
  const values = new Float32Array(width * height);
  for (const [left, top, right, bottom] of rects) {
    for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) values[y * width + x] = 1;
  }
  return { width, height, values };
}

function field(bytes: Uint8Array): Grey {
  return { width: FIELD, height: FIELD, values: Float32Array.from(bytes, (b) => b / 255) };
}

describe('a drawing made into an MNIST digit', () => {
  it('a blank pad is a blank digit', () => {
    assert.deepEqual(toMnist(pad(100, 100)), new Uint8Array(FIELD * FIELD));
  });

  it('the ink is scaled to 20 pixels on its longer side, keeping its aspect, wherever it was drawn', () => {
    // A tall bar (1 wide, 4 tall) drawn in a corner of the pad.
    const digit = field(toMnist(pad(200, 200, [10, 20, 30, 100])));
    const box = inkBox(digit);
    assert.ok(box);
    assert.equal(box.bottom - box.top, 20, 'twenty pixels tall');
    assert.equal(box.right - box.left, 5, 'a quarter as wide');
    // A wide shape: 20 wide, 10 tall.
    const wide = inkBox(field(toMnist(pad(300, 300, [0, 0, 200, 100]))));
    assert.ok(wide);
    assert.deepEqual([wide.right - wide.left, wide.bottom - wide.top], [20, 10]);
  });

  it('the centre of mass is moved to the centre of the field, within half a pixel', () => {
    // An L: heavier at the bottom, so its box is not centred but its mass is.
    const digit = toMnist(pad(120, 120, [20, 10, 40, 100], [20, 80, 100, 100]));
    const com = centreOfMass(field(digit).values);
    assert.ok(Math.abs(com.x - FIELD / 2) <= 0.5, `x ${com.x}`);
    assert.ok(Math.abs(com.y - FIELD / 2) <= 0.5, `y ${com.y}`);
    const box = inkBox(field(digit));
    assert.ok(box && box.left >= 0 && box.right <= FIELD && box.top >= 0 && box.bottom <= FIELD);
  });

  it('an edge pixel half covered is half grey, as area averaging gives', () => {
    // 30 pixels tall scaled to 20: 3 source rows per 2 target rows, so some target rows straddle.
    const digit = toMnist(pad(60, 60, [0, 0, 30, 30]));
    const values = new Set(digit);
    assert.ok(values.has(255), 'full pixels inside');
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      [0, 255],
      'a square scaled to a square: no partial pixels',
    );
    // An L, 30 by 30, its arms 10 wide: scaled by 2/3, the inner edges fall inside pixels.
    const ell = toMnist(pad(60, 60, [0, 0, 10, 30], [0, 20, 30, 30]));
    assert.ok(
      [...new Set(ell)].some((v) => v > 0 && v < 255),
      'an edge that falls inside a pixel is grey',
    );
  });
});

describe('the gallery', () => {
  // Ten images: labels 0..9, predictions wrong for 3 of them, confidences set by hand.
  const predictions: Predictions = {
    labels: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    predicted: Uint8Array.from([0, 7, 2, 5, 4, 5, 6, 1, 8, 9]),
    confidence: Float32Array.from([0.9, 0.6, 0.8, 0.95, 0.7, 0.5, 0.99, 0.6, 0.4, 0.3]),
  };

  it('lists the misclassified, most confident first (ties by index), and a cell of the matrix', () => {
    assert.deepEqual(
      selectImages(predictions, { kind: 'misclassified' }).map((i) => i.index),
      [3, 1, 7],
    );
    assert.deepEqual(
      selectImages(predictions, { kind: 'cell', label: 1, predicted: 7 }).map((i) => [i.index, i.label, i.predicted]),
      [[1, 1, 7]],
    );
    assert.deepEqual(
      selectImages(predictions, { kind: 'cell', label: 6, predicted: 6 }).map((i) => i.index),
      [6],
      'the diagonal: correct ones',
    );
  });

  it('pages through them, the page clamped to those there are', () => {
    const many = Array.from({ length: 95 }, (_, index) => ({ index, label: 1, predicted: 7, probability: 0.5 }));
    assert.equal(PAGE_SIZE, 40);
    assert.deepEqual(
      [galleryPage(many, 0).range, galleryPage(many, 2).range, galleryPage(many, 9).range],
      ['1–40 of 95', '81–95 of 95', '81–95 of 95'],
    );
    assert.equal(galleryPage(many, 2).items.length, 15);
    assert.equal(galleryPage([], 0).range, 'none');
  });

  it('says what it lists, and each image in full', () => {
    assert.equal(filterText({ kind: 'misclassified' }, 213), '213 misclassified test images, the most confidently wrong first');
    assert.equal(filterText({ kind: 'cell', label: 4, predicted: 9 }, 1), '1 test image of 4 classified as 9, the most confident first');
    assert.equal(
      filterText({ kind: 'cell', label: 4, predicted: 4 }, 960),
      '960 test images of 4 classified correctly, the most confident first',
    );
    const image = { index: 12, label: 4, predicted: 9, probability: 0.97 };
    assert.equal(imageCaption(image), '4 → 9 · 97%');
    assert.ok(imageLabel(image).startsWith(imageCaption(image)), 'the accessible name begins with the words on screen');
  });
});

describe('the row-by-row words and the messages', () => {
  it('decodes the rows and says the leading digit at a row', () => {
    const flat = new Float32Array(3 * 10).fill(0.05);
    flat[7] = 0.55; // row 1: 7
    flat[10 + 3] = 0.55; // row 2: 3
    flat[20 + 3] = 0.91; // row 3: 3, the prediction
    const rows = decodeRows({ kind: 'rows', rows: 3, cols: 28, pixels: toBase64(new Uint8Array(84)), probabilities: toBase64(flat) });
    assert.equal(rows.length, 3);
    assert.equal(rowSentence(rows, 1), 'After row 1 of 3: most likely 7 (55%)');
    assert.equal(rowSentence(rows, 3), 'After all 3 rows: predicted 3 (91%)');
    assert.throws(() => decodeRows({ kind: 'rows', rows: 7, cols: 28, pixels: '', probabilities: toBase64(flat) }), /do not fill 7 rows/);
  });

  it('base64 keeps bytes and floats; predictions of different lengths are refused', () => {
    const floats = Float32Array.from([0.25, -1.5, 3e-8]);
    assert.deepEqual(floatsFromBase64(toBase64(floats)), floats);
    assert.deepEqual(bytesFromBase64(toBase64(Uint8Array.from([0, 255, 7]))), Uint8Array.from([0, 255, 7]));
    assert.ok(isBase64(toBase64(new Uint8Array(100_000))));
    assert.ok(!isBase64('not base64!'));
    assert.throws(() => floatsFromBase64(toBase64(new Uint8Array(5))), /not a whole number of float32/);
    assert.throws(
      () =>
        decodePredictions({
          labels: toBase64(new Uint8Array(3)),
          predicted: toBase64(new Uint8Array(2)),
          confidence: toBase64(new Float32Array(3)),
        }),
      /do not match/,
    );
  });

  it('the guards take the new messages and refuse damaged ones', () => {
    const rows = {
      kind: 'rows',
      rows: 28,
      cols: 28,
      pixels: toBase64(new Uint8Array(784)),
      probabilities: toBase64(new Float32Array(280)),
    };
    assert.ok(isInspectRequest({ kind: 'images', indices: [0, 5] }));
    assert.ok(
      !isInspectRequest({ kind: 'images', indices: Array.from({ length: MAX_IMAGES_PER_REQUEST + 1 }, (_, i) => i) }),
      'too many at once',
    );
    assert.ok(!isInspectRequest({ kind: 'rows', index: -1 }));
    assert.ok(!isInspectRequest({ kind: 'classify', pixels: [1, 2, 3] }), 'a JSON array is not base64');
    assert.ok(isInspectResult(rows));
    assert.ok(!isInspectResult({ ...rows, probabilities: 'x' }));
    assert.ok(
      isWebviewToHost({ type: 'inspect', id: 1, target: { checkpoint: '/w/r', testCount: 500 }, request: { kind: 'rows', index: 3 } }),
    );
    assert.ok(!isWebviewToHost({ type: 'inspect', id: 1, target: { checkpoint: '/w/r' }, request: { kind: 'rows', index: 3 } }));
    assert.ok(isHostToWebview({ type: 'inspectReply', id: 1, result: rows }));
    assert.ok(isHostToWebview({ type: 'inspectReply', id: 1, error: 'no such image' }));
    assert.ok(isWorkerCommand({ type: 'inspect', subject: { checkpoint: '/w/r', device: 'cpu' } }));
    assert.ok(!isWorkerCommand({ type: 'inspect', subject: { checkpoint: '/w/r', device: 'tpu' } }));
    assert.ok(isWorkerCommand({ type: 'inspectRequest', id: 2, request: { kind: 'classifyFile', file: toBase64(new Uint8Array(8)) } }));
    assert.ok(isTrainingEvent({ type: 'inspected', id: 2, result: rows }));
    assert.ok(!isTrainingEvent({ type: 'inspected', id: 2, result: { kind: 'rows' } }));
    assert.ok(isTrainingEvent({ type: 'inspecting', count: 10000 }));
  });
});
