// Reading a file of a weights folder, which someone else may have written (a cloned repository):
// a checkpoint's files, a sweep's record, a run's reservation. Each is opened without following a
// link in its place (ELOOP instead: a link could lead to any file of the machine) and without
// waiting on a pipe put there, checked through that one open file (a plain file, of a size its
// reader accepts), and read no further than that size: a file swapped between a check and its
// reading is not read, and nothing is read whole before its size is known.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Windows has neither flag: there a link is found by `lstat` before opening, which a file swapped
 * for a link in between would pass.
 */
const NO_FOLLOW = fs.constants.O_NOFOLLOW;
const OPEN_FLAGS = fs.constants.O_RDONLY | (NO_FOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/** Why a file that is a symbolic link is not read (it may lead to any file of the machine). */
export const LINKED_FILE = (name: string): string => `${name} is a link, which may lead to any file: not read`;

/** A file refused by these rules (its message says why), or the system's error for it (`code`). */
export class UntrustedFileError extends Error {
  constructor(
    message: string,
    /** The system's error code (ENOENT, EACCES, …) when the file could not be read at all. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'UntrustedFileError';
  }
}

/** Why an opened file is not read: not a plain file, or a size `sizeProblem` refuses. */
function openedProblem(stat: fs.Stats, name: string, sizeProblem: (bytes: number) => string | undefined): string | undefined {
  return stat.isFile() ? sizeProblem(stat.size) : `${name} is not a file`;
}

/** The error of a failed open or read, in words (a link is named as one). */
function failure(e: unknown, name: string): UntrustedFileError {
  if (e instanceof UntrustedFileError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return new UntrustedFileError(LINKED_FILE(name));
  // Windows will not open a folder for reading at all.
  if (code === 'EISDIR') return new UntrustedFileError(`${name} is not a file`);
  return new UntrustedFileError(code === 'ENOENT' ? `missing ${name}` : `cannot read ${name} (${code})`, code);
}

/** A size rule for a reader: no more than `max` bytes of `name`. */
export function atMost(name: string, max: number): (bytes: number) => string | undefined {
  return (bytes) => (bytes > max ? `${name} has ${bytes} bytes, more than the ${max} it may have` : undefined);
}

const cutShort = (name: string) => new UntrustedFileError(`${name} was cut short while it was read`);

/** Where opening cannot refuse a link (Windows), its `lstat` does (a moment before the opening). */
function refuseLinkWithoutNoFollow(file: string, name: string): void {
  if (NO_FOLLOW === undefined && fs.lstatSync(file).isSymbolicLink()) throw new UntrustedFileError(LINKED_FILE(name));
}

/** `<dir>/<name>`'s bytes, under these rules; `sizeProblem` of its length refuses it before it is read. */
export async function readUntrusted(dir: string, name: string, sizeProblem: (bytes: number) => string | undefined): Promise<Buffer> {
  const file = path.join(dir, name);
  let handle: fs.promises.FileHandle | undefined;
  try {
    refuseLinkWithoutNoFollow(file, name);
    handle = await fs.promises.open(file, OPEN_FLAGS);
    const stat = await handle.stat();
    const problem = openedProblem(stat, name, sizeProblem);
    if (problem) throw new UntrustedFileError(problem);
    const bytes = Buffer.allocUnsafe(stat.size);
    for (let filled = 0; filled < stat.size;) {
      const { bytesRead } = await handle.read(bytes, filled, stat.size - filled, filled);
      if (bytesRead === 0) throw cutShort(name);
      filled += bytesRead;
    }
    return bytes;
  } catch (e) {
    throw failure(e, name);
  } finally {
    await handle?.close();
  }
}

/** A small file's text (at most `maxBytes`), under these rules, at once: a sweep's record, a holder's process id. */
export function readUntrustedTextSync(file: string, maxBytes: number): string {
  const name = path.basename(file);
  let fd: number | undefined;
  try {
    refuseLinkWithoutNoFollow(file, name);
    fd = fs.openSync(file, OPEN_FLAGS);
    const stat = fs.fstatSync(fd);
    const problem = openedProblem(stat, name, atMost(name, maxBytes));
    if (problem) throw new UntrustedFileError(problem);
    const bytes = Buffer.allocUnsafe(stat.size);
    let filled = 0;
    while (filled < stat.size) {
      const read = fs.readSync(fd, bytes, filled, stat.size - filled, filled);
      if (read === 0) throw cutShort(name);
      filled += read;
    }
    return bytes.toString('utf8');
  } catch (e) {
    throw failure(e, name);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
