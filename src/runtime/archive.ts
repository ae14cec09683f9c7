// Unpacks the files a runtime needs from a .tar.gz (tfjs-node's official binaries on Linux and
// macOS) or a .zip (on Windows, and Python wheels), with progress and cancellation. The format is
// read from the file's first bytes, not its name. Only the entries `pick` maps to a destination
// are written, and only inside `destDir`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import * as yauzl from 'yauzl';

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** Maps an entry's path in the archive to a path relative to the destination, or undefined to skip it. */
export type PickEntry = (entryPath: string) => string | undefined;

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Bytes of the archive processed so far, out of its size. */
  onProgress?(doneBytes: number, totalBytes: number): void;
}

/** Extracts the picked entries; resolves with the destination paths written (relative to destDir). */
export async function extract(archive: string, destDir: string, pick: PickEntry, options: ExtractOptions = {}): Promise<string[]> {
  options.signal?.throwIfAborted();
  const head = Buffer.alloc(4);
  const fd = await fs.promises.open(archive, 'r');
  try {
    await fd.read(head, 0, 4, 0);
  } finally {
    await fd.close();
  }
  let written: string[];
  try {
    await fs.promises.mkdir(destDir, { recursive: true });
    if (head[0] === 0x1f && head[1] === 0x8b) written = await extractTarGz(archive, destDir, pick, options);
    else if (head.readUInt32LE(0) === 0x04034b50) written = await extractZip(archive, destDir, pick, options);
    else throw new ArchiveError(`${path.basename(archive)} is neither a .tar.gz nor a .zip archive`);
  } catch (e) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`${path.basename(archive)} could not be unpacked: ${(e as Error).message}`);
  }
  if (written.length === 0) throw new ArchiveError(`${path.basename(archive)} holds none of the files needed`);
  return written;
}

/** A destination inside destDir, or an error: `pick` results are trusted, but checked anyway. */
function inside(destDir: string, relative: string): string {
  const dest = path.resolve(destDir, relative);
  if (!dest.startsWith(path.resolve(destDir) + path.sep)) throw new ArchiveError(`refusing to write outside the destination: ${relative}`);
  return dest;
}

async function extractTarGz(archive: string, destDir: string, pick: PickEntry, options: ExtractOptions): Promise<string[]> {
  const total = (await fs.promises.stat(archive)).size;
  let done = 0;
  const written: string[] = [];
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      options.onProgress?.(done, total);
      callback(null, chunk);
    },
  });
  // node-tar writes files and symbolic links (libtensorflow.so.2 -> libtensorflow.so.2.9.1)
  // itself and refuses absolute paths and `..`; each picked entry's path is rewritten before it
  // is written. An error thrown inside the filter would escape as an uncaught exception: it
  // aborts the unpack instead.
  let refused: ArchiveError | undefined;
  const unpack: tar.Unpack = new tar.Unpack({
    cwd: destDir,
    filter: (entryPath: string, entry) => {
      const target = refused ? undefined : pick(entryPath);
      if (target === undefined) return false;
      try {
        inside(destDir, target);
      } catch (e) {
        refused = e as ArchiveError;
        unpack.abort(refused);
        return false;
      }
      (entry as tar.ReadEntry).path = target;
      if ((entry as tar.ReadEntry).type !== 'Directory') written.push(target);
      return true;
    },
  });
  try {
    await pipeline(fs.createReadStream(archive), meter, unpack, { signal: options.signal });
  } catch (e) {
    throw refused ?? e;
  }
  if (refused) throw refused;
  return written;
}

function openZip(archive: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(archive, { lazyEntries: true, autoClose: true }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

async function extractZip(archive: string, destDir: string, pick: PickEntry, options: ExtractOptions): Promise<string[]> {
  const total = (await fs.promises.stat(archive)).size;
  const zip = await openZip(archive);
  const written: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        const target = entry.fileName.endsWith('/') ? undefined : pick(entry.fileName);
        if (target === undefined) {
          zip.readEntry();
          return;
        }
        let dest: string;
        try {
          dest = inside(destDir, target);
        } catch (e) {
          reject(e);
          return;
        }
        // Progress in archive bytes: where this entry starts, plus its compressed bytes read so far.
        let inflated = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            inflated += chunk.length;
            const share = entry.uncompressedSize > 0 ? inflated / entry.uncompressedSize : 1;
            options.onProgress?.(Math.min(total, entry.relativeOffsetOfLocalHeader + Math.round(entry.compressedSize * share)), total);
            callback(null, chunk);
          },
        });
        fs.promises
          .mkdir(path.dirname(dest), { recursive: true })
          .then(() => entryStream(zip, entry))
          .then((stream) => pipeline(stream, meter, fs.createWriteStream(dest), { signal: options.signal }))
          .then(() => {
            written.push(target);
            zip.readEntry();
          }, reject);
      });
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  options.onProgress?.(total, total);
  return written;
}
