// An image file's format and size, read from its header before any decoder is given it.
// TensorFlow's native decoders (PNG, JPEG, BMP, GIF) allocate what a file's header promises, so a
// file of a few hundred bytes that promises 30,000 x 30,000 pixels, or a GIF of thousands of
// frames, is refused here first, with its size in the message.

/** The most pixels (all frames together) an image file may promise: larger ones are not decoded. */
export const MAX_IMAGE_PIXELS = 8192 * 8192;

export type ImageFormat = 'PNG' | 'JPEG' | 'GIF' | 'BMP';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** A GIF's frames (each the size of its canvas when decoded); 1 for the others. */
  frames: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((v, i) => bytes[i] === v);
}

const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
const i32le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);

/** The header of a PNG, JPEG, GIF or BMP file; undefined when it is none of these or its header is cut short. */
export function imageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (bytes.length >= 24 && isPng(bytes)) return { format: 'PNG', width: u32be(bytes, 16), height: u32be(bytes, 20), frames: 1 };
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegHeader(bytes);
  if (bytes.length >= 13 && /^GIF8[79]a$/.test(String.fromCharCode(...bytes.subarray(0, 6)))) return gifHeader(bytes);
  if (bytes.length >= 26 && bytes[0] === 0x42 && bytes[1] === 0x4d)
    return { format: 'BMP', width: Math.abs(i32le(bytes, 18)), height: Math.abs(i32le(bytes, 22)), frames: 1 };
  return undefined;
}

/** Why the file is not decoded, or undefined when it may be. */
export function imageProblem(bytes: Uint8Array): string | undefined {
  const header = imageHeader(bytes);
  if (!header) return 'it is not a PNG, JPEG, BMP or GIF file (or its header is cut short)';
  return pixelsProblem(header);
}

/** Why an image of this size is not decoded (no pixels, or more than MAX_IMAGE_PIXELS in all its frames). */
export function pixelsProblem({ format, width, height, frames }: ImageHeader): string | undefined {
  if (width === 0 || height === 0) return `the ${format} has no pixels (${width} x ${height})`;
  if (width * height * frames > MAX_IMAGE_PIXELS) {
    const inFrames = frames > 1 ? ` in ${frames} frames` : '';
    return `the ${format} promises ${width} x ${height} pixels${inFrames}, more than the ${MAX_IMAGE_PIXELS} an image may have`;
  }
  return undefined;
}

/** A JPEG's size from its first start-of-frame marker (SOF0-SOF15 but DHT, JPG and DAC). */
function jpegHeader(b: Uint8Array): ImageHeader | undefined {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > b.length) return undefined;
      return { format: 'JPEG', width: u16be(b, at + 7), height: u16be(b, at + 5), frames: 1 };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // the image data, or its end, before any frame header
    at += 2 + u16be(b, at + 2);
  }
  return undefined;
}

/** A GIF's canvas (or its largest frame, if larger) and its frames, counted by walking its blocks. */
function gifHeader(b: Uint8Array): ImageHeader {
  let width = u16le(b, 6);
  let height = u16le(b, 8);
  let at = 13 + (b[10] & 0x80 ? 3 * 2 ** ((b[10] & 7) + 1) : 0);
  let frames = 0;
  /** Past a run of sub-blocks (each a length byte and that many bytes; a zero length ends them). */
  const skipSubBlocks = (): void => {
    while (at < b.length && b[at] !== 0) at += 1 + b[at];
    at++;
  };
  while (at < b.length) {
    const block = b[at];
    if (block === 0x21) {
      at += 2; // introducer and label
      skipSubBlocks();
    } else if (block === 0x2c) {
      if (at + 10 > b.length) break;
      frames++;
      width = Math.max(width, u16le(b, at + 5));
      height = Math.max(height, u16le(b, at + 7));
      const packed = b[at + 9];
      at += 10 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0) + 1; // descriptor, local colour table, LZW code size
      skipSubBlocks();
    } else break; // the trailer (0x3b), or bytes that are no block
  }
  return { format: 'GIF', width, height, frames: Math.max(1, frames) };
}
