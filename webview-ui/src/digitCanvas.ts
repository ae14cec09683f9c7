// A digit on a canvas of its own pixels (CSS scales it up crisply, image-rendering: pixelated),
// light on black as MNIST stores it. The row-by-row view dims the rows not read yet and marks
// the row being read. The canvas is an image with a name for screen readers.
import { themeColors } from './theme';

/** Draws grey bytes (rows × cols); with `read`, rows after it are dimmed and row `read` is marked. */
export function drawDigit(canvas: HTMLCanvasElement, pixels: Uint8Array, rows: number, cols: number, read?: number): void {
  canvas.width = cols;
  canvas.height = rows;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(cols, rows);
  const mark = themeColors.rgb('--vscode-focusBorder', '#0078d4');
  for (let r = 0; r < rows; r++) {
    const dim = read !== undefined && r >= read ? 0.3 : 1;
    const marked = read !== undefined && r === read - 1;
    for (let c = 0; c < cols; c++) {
      const v = pixels[r * cols + c] * dim;
      const o = (r * cols + c) * 4;
      // The row being read: the digit's grey over the theme's focus colour.
      image.data[o] = marked ? Math.max(v, mark.r * 0.6) : v;
      image.data[o + 1] = marked ? Math.max(v, mark.g * 0.6) : v;
      image.data[o + 2] = marked ? Math.max(v, mark.b * 0.6) : v;
      image.data[o + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
}

export function digitCanvas(label: string, className = 'digit-image'): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = className;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}
