// A PNG file's pixels as grey bytes, in JavaScript: what an image file becomes where tfjs-node's
// decoder is not there (the portable kernels). Every colour type (grey, RGB, palette, with or
// without alpha) and bit depth (1 to 16) of non-interlaced PNGs; grey exactly as TensorFlow's
// DecodePng with one channel makes it (libpng's rgb_to_gray with 0.299 and 0.587, in 15-bit fixed
// point, truncated; 16 bits stripped to their high byte; alpha dropped), so that an image file
// reads the same on both backends.
import * as zlib from 'node:zlib';
import { isPng, pixelsProblem } from './imageHeader';

/** Samples per pixel of each colour type. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface GreyImage {
  width: number;
  height: number;
  /** width * height bytes, row after row. */
  pixels: Uint8Array;
}

export class PngError extends Error {
  constructor(why: string) {
    super(`not a PNG image this can read: ${why}`);
    this.name = 'PngError';
  }
}

export function decodePngGrey(bytes: Uint8Array): GreyImage {
  if (!isPng(bytes)) throw new PngError('no PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: { width: number; height: number; depth: number; colour: number } | undefined;
  let palette: Uint8Array | undefined;
  const data: Uint8Array[] = [];
  for (let at = 8; ;) {
    if (at + 8 > bytes.length) throw new PngError('it ends before its IEND chunk');
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length !== length) throw new PngError(`its ${type} chunk is cut short`);
    at += 12 + length;
    if (type === 'IHDR') {
      if (length !== 13) throw new PngError('its header is not 13 bytes');
      const h = new DataView(body.buffer, body.byteOffset, 13);
      header = { width: h.getUint32(0), height: h.getUint32(4), depth: body[8], colour: body[9] };
      if (body[12] !== 0) throw new PngError('it is interlaced');
      if (!(header.colour in CHANNELS) || ![1, 2, 4, 8, 16].includes(header.depth)) {
        throw new PngError(`colour type ${header.colour} at ${header.depth} bits`);
      }
      const tooLarge = pixelsProblem({ format: 'PNG', width: header.width, height: header.height, frames: 1 });
      if (tooLarge) throw new PngError(tooLarge);
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
  }
  if (!header) throw new PngError('no header');
  const { width, height, depth, colour } = header;
  if (colour === 3 && !palette) throw new PngError('a palette image without its palette');
  const channels = CHANNELS[colour];
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(data), { maxOutputLength: (rowBytes + 1) * height });
  } catch (e) {
    throw new PngError(`its image data does not inflate (${(e as Error).message})`);
  }
  if (raw.length < (rowBytes + 1) * height) throw new PngError('its image data is cut short');
  const rows = unfilter(raw, rowBytes, height, Math.max(1, (channels * depth) >> 3));

  const pixels = new Uint8Array(width * height);
  const max = 2 ** depth - 1;
  for (let y = 0; y < height; y++) {
    const row = rows.subarray(y * rowBytes, (y + 1) * rowBytes);
    // Sample `s` of the row, scaled to 0..255 (16 bits: its high byte, as libpng strips them).
    const sample = (s: number): number => {
      if (depth === 8) return row[s];
      if (depth === 16) return row[2 * s];
      const bit = s * depth;
      return (row[bit >> 3] >> (8 - depth - (bit & 7))) & max;
    };
    for (let x = 0; x < width; x++) {
      let r: number, g: number, b: number;
      if (colour === 3) {
        const i = 3 * sample(x);
        [r, g, b] = [palette![i] ?? 0, palette![i + 1] ?? 0, palette![i + 2] ?? 0];
      } else if (colour === 2 || colour === 6) {
        [r, g, b] = [sample(x * channels), sample(x * channels + 1), sample(x * channels + 2)];
      } else {
        const v = depth < 8 ? Math.round((sample(x * channels) * 255) / max) : sample(x * channels);
        pixels[y * width + x] = v;
        continue;
      }
      pixels[y * width + x] = (9798 * r + 19235 * g + 3735 * b) >> 15;
    }
  }
  return { width, height, pixels };
}

/** PNG's five row filters undone, in place of a copy without the filter bytes. */
function unfilter(raw: Uint8Array, rowBytes: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    const src = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    const row = out.subarray(y * rowBytes, (y + 1) * rowBytes);
    const up = y > 0 ? out.subarray((y - 1) * rowBytes, y * rowBytes) : undefined;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = up ? up[i] : 0;
      const c = up && i >= bpp ? up[i - bpp] : 0;
      let predicted: number;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new PngError(`row ${y} has filter type ${filter}`);
      }
      row[i] = (src[i] + predicted) & 0xff;
    }
  }
  return out;
}
