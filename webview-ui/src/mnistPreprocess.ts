// A drawing made into an MNIST digit, the way MNIST's own were made: the ink's bounding box
// scaled (keeping its aspect) to fit 20x20 pixels with grey levels from the area each pixel
// covers, placed in a 28x28 field, and moved so that its centre of mass is the field's centre.
// Pure: unit-tested under Node against hand-made drawings.

export const FIELD = 28;
/** MNIST fits each digit's bounding box in 20x20, leaving a 4-pixel margin for the centring. */
export const BOX = 20;
/** Ink is what is brighter than this (0..1); fainter pixels are the pad's background. */
const INK = 0.05;
/** Samples per target pixel per axis: enough to average a pixel's area smoothly. */
const SAMPLES = 6;

export interface Grey {
  width: number;
  height: number;
  /** 0 (background) to 1 (ink), row by row. */
  values: Float32Array;
}

/** The ink's bounding box, or undefined for an empty drawing. */
export function inkBox(image: Grey): { left: number; top: number; right: number; bottom: number } | undefined {
  let left = image.width;
  let top = image.height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.values[y * image.width + x] > INK) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  return right < 0 ? undefined : { left, top, right: right + 1, bottom: bottom + 1 };
}

/** The centre of mass of a FIELD x FIELD image, in pixel coordinates (a pixel's centre is at i + 0.5). */
export function centreOfMass(values: Float32Array): { x: number; y: number } {
  let sum = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < FIELD; y++) {
    for (let x = 0; x < FIELD; x++) {
      const v = values[y * FIELD + x];
      sum += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return sum === 0 ? { x: FIELD / 2, y: FIELD / 2 } : { x: sx / sum, y: sy / sum };
}

/** The drawing as the model's input: FIELD x FIELD grey bytes, MNIST-style. */
export function toMnist(image: Grey): Uint8Array {
  const out = new Uint8Array(FIELD * FIELD);
  const box = inkBox(image);
  if (!box) return out;
  const w = box.right - box.left;
  const h = box.bottom - box.top;
  const scale = BOX / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * scale));
  const th = Math.max(1, Math.round(h * scale));
  // The box resampled to tw x th by averaging SAMPLES x SAMPLES points over each target pixel.
  const field = new Float32Array(FIELD * FIELD);
  const ox = Math.floor((FIELD - tw) / 2);
  const oy = Math.floor((FIELD - th) / 2);
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      let acc = 0;
      for (let j = 0; j < SAMPLES; j++) {
        const sy = Math.min(box.bottom - 1, Math.floor(box.top + ((ty + (j + 0.5) / SAMPLES) * h) / th));
        for (let i = 0; i < SAMPLES; i++) {
          const sx = Math.min(box.right - 1, Math.floor(box.left + ((tx + (i + 0.5) / SAMPLES) * w) / tw));
          acc += image.values[sy * image.width + sx];
        }
      }
      field[(oy + ty) * FIELD + ox + tx] = acc / (SAMPLES * SAMPLES);
    }
  }
  // Moved by whole pixels so that the centre of mass is the field's centre.
  const com = centreOfMass(field);
  const dx = Math.round(FIELD / 2 - com.x);
  const dy = Math.round(FIELD / 2 - com.y);
  for (let y = 0; y < FIELD; y++) {
    for (let x = 0; x < FIELD; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx < 0 || sy < 0 || sx >= FIELD || sy >= FIELD) continue;
      out[y * FIELD + x] = Math.round(Math.min(1, Math.max(0, field[sy * FIELD + sx])) * 255);
    }
  }
  return out;
}
