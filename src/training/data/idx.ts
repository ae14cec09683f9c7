// Reader for the IDX format of MNIST and its siblings (Fashion-MNIST, ...): a big-endian
// header (magic 2051 for images, 2049 for labels, then the dimensions) followed by uint8 data.
// Files may be gzip-compressed (`.gz`); every check names the file it failed on.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export const IMAGES_MAGIC = 2051;
export const LABELS_MAGIC = 2049;

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count * rows * cols bytes, row-major, 0..255. */
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

async function readMaybeGzip(file: string): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await fs.promises.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? `Dataset file not found: ${file}` : `Cannot read ${file} (${code})`);
  }
  // Detect gzip by its magic bytes rather than the name, so a renamed file still reads.
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return zlib.gunzipSync(raw);
    } catch (e) {
      throw new DatasetError(`${file} is a damaged gzip file (${(e as Error).message})`);
    }
  }
  return raw;
}

function header(buf: Buffer, file: string, magic: number, dims: number): number[] {
  const headerBytes = 4 + 4 * dims;
  if (buf.length < headerBytes) throw new DatasetError(`${file} is truncated: ${buf.length} bytes, shorter than its header`);
  const found = buf.readUInt32BE(0);
  if (found !== magic) {
    throw new DatasetError(`${file} has magic number ${found}, expected ${magic} (${magic === IMAGES_MAGIC ? 'images' : 'labels'})`);
  }
  const sizes = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const expected = headerBytes + sizes.reduce((a, b) => a * b, 1);
  if (buf.length < expected) throw new DatasetError(`${file} is truncated: ${buf.length} bytes, its header promises ${expected}`);
  if (buf.length > expected) throw new DatasetError(`${file} has ${buf.length - expected} unexpected bytes after its data`);
  return sizes;
}

export function parseIdxImages(buf: Buffer, file: string): IdxImages {
  const [count, rows, cols] = header(buf, file, IMAGES_MAGIC, 3);
  return { count, rows, cols, pixels: new Uint8Array(buf.buffer, buf.byteOffset + 16, count * rows * cols) };
}

export function parseIdxLabels(buf: Buffer, file: string): IdxLabels {
  const [count] = header(buf, file, LABELS_MAGIC, 1);
  return { count, labels: new Uint8Array(buf.buffer, buf.byteOffset + 8, count) };
}

export async function readIdxImages(file: string): Promise<IdxImages> {
  return parseIdxImages(await readMaybeGzip(file), file);
}

export async function readIdxLabels(file: string): Promise<IdxLabels> {
  return parseIdxLabels(await readMaybeGzip(file), file);
}
