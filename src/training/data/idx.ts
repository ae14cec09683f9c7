// Reader for the IDX format of MNIST and its siblings (Fashion-MNIST, ...): a big-endian
// header (magic 2051 for images, 2049 for labels, then the dimensions) followed by uint8 data.
// Files may be gzip-compressed (`.gz`); every check names the file it failed on.
import * as fs from 'node:fs';
import * as os from 'node:os';
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

/**
 * The most a dataset file may hold: a quarter of this machine's memory (and under 2 GB). A gzipped
 * file's header is inflated first and checked against it, so that a small file that claims or
 * inflates to terabytes (a gzip bomb) is refused, not inflated.
 */
function maxDatasetBytes(): number {
  return Math.min(2 ** 31 - 1, Math.floor(os.totalmem() / 4));
}

/** The file's bytes: inflated when they are gzip's (detected by content), as long as the header says and no longer. */
async function readMaybeGzip(file: string, magic: number, dims: number): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await fs.promises.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? `Dataset file not found: ${file}` : `Cannot read ${file} (${code})`);
  }
  if (!(raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b)) return raw;
  const damaged = (e: unknown) => new DatasetError(`${file} is a damaged gzip file (${(e as Error).message})`);
  // The header first (inflated until it is out, whatever gzip's own header holds), and what it promises.
  let start: Buffer;
  try {
    start = await inflatedStart(raw, 4 + 4 * dims);
  } catch (e) {
    throw damaged(e);
  }
  const expected = 4 + 4 * dims + headerSizes(start, file, magic, dims).reduce((a, b) => a * b, 1);
  const limit = maxDatasetBytes();
  if (expected > limit)
    throw new DatasetError(`${file}'s header promises ${expected} bytes, more than a dataset may take on this machine (${limit})`);
  try {
    return zlib.gunzipSync(raw, { maxOutputLength: expected });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new DatasetError(`${file} inflates to more than the ${expected} bytes its header promises`);
    throw damaged(e);
  }
}

/** The first `bytes` bytes that gzipped `raw` inflates to (fewer when it holds fewer), inflating no more than a chunk past them. */
function inflatedStart(raw: Buffer, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = zlib.createGunzip();
    const parts: Buffer[] = [];
    let got = 0;
    const done = (): void => {
      gunzip.destroy();
      resolve(Buffer.concat(parts));
    };
    gunzip.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      got += chunk.length;
      if (got >= bytes) done();
    });
    gunzip.on('end', done);
    gunzip.on('error', (e) => (got >= bytes ? done() : reject(e)));
    gunzip.end(raw);
  });
}

/** The sizes a header gives, after checking its magic number and that it is all there. */
function headerSizes(buf: Buffer, file: string, magic: number, dims: number): number[] {
  const headerBytes = 4 + 4 * dims;
  if (buf.length < headerBytes) throw new DatasetError(`${file} is truncated: ${buf.length} bytes, shorter than its header`);
  const found = buf.readUInt32BE(0);
  if (found !== magic) {
    throw new DatasetError(`${file} has magic number ${found}, expected ${magic} (${magic === IMAGES_MAGIC ? 'images' : 'labels'})`);
  }
  return Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
}

function header(buf: Buffer, file: string, magic: number, dims: number): number[] {
  const sizes = headerSizes(buf, file, magic, dims);
  const expected = 4 + 4 * dims + sizes.reduce((a, b) => a * b, 1);
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
  return parseIdxImages(await readMaybeGzip(file, IMAGES_MAGIC, 3), file);
}

export async function readIdxLabels(file: string): Promise<IdxLabels> {
  return parseIdxLabels(await readMaybeGzip(file, LABELS_MAGIC, 1), file);
}
