// Lists the checkpoints of the weights folder for the tree, the Evaluate quick pick and the
// test API. Reads only checkpoint.json and the size of weights.bin: never TensorFlow, so the
// extension host stays light, and a broken folder becomes an entry with a reason, not a throw.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, CheckpointMeta, META_FILE, WEIGHTS_FILE, weightsSizeProblem } from '../protocol/checkpointFormat';
import { SWEEP_FILE } from '../protocol/sweepFormat';
import { isInside } from '../checkpoint/folderBounds';
import { readCheckpointMeta } from '../checkpoint/read';
import { LINKED_FILE } from '../checkpoint/untrustedFile';

export type CheckpointEntry = (
  { name: string; path: string; valid: true; meta: CheckpointMeta } | { name: string; path: string; valid: false; problem: string }
) & {
  /** The sweep whose folder holds it (its name is then `<sweep>/<run>`). */
  sweep?: string;
};

export type ValidCheckpoint = Extract<CheckpointEntry, { valid: true }>;

export function isValid(entry: CheckpointEntry): entry is ValidCheckpoint {
  return entry.valid;
}

/**
 * What the listings of a view read, by folder, with the identity of the files read (checkpoint.json's
 * inode, size and times, and weights.bin's size): a later listing reads a checkpoint again only
 * where these changed, so a change on disk costs the changed checkpoints and a stat of each other.
 */
export class ListingCache {
  private known = new Map<string, { files: string; entry: CheckpointEntry }>();

  /** The entry read for `dir` when its files were `files`. */
  get(dir: string, files: string): CheckpointEntry | undefined {
    const hit = this.known.get(dir);
    return hit?.files === files ? hit.entry : undefined;
  }

  set(dir: string, files: string, entry: CheckpointEntry): void {
    this.known.set(dir, { files, entry });
  }

  /** Forgets the folders a listing no longer found. */
  keepOnly(dirs: ReadonlySet<string>): void {
    for (const dir of this.known.keys()) if (!dirs.has(dir)) this.known.delete(dir);
  }
}

/**
 * Newest valid checkpoints first, then the invalid folders by name; a sweep's folder is not an
 * entry, its runs are. Empty if the folder does not exist. With a cache, a checkpoint whose files
 * are unchanged since it was read is not read again.
 */
export async function listCheckpoints(weightsDir: string, cache?: ListingCache): Promise<CheckpointEntry[]> {
  const folders = await subfolders(weightsDir);
  // Where the weights folder really is: a link in it that leads elsewhere is not read (a cloned repository's weights are someone else's).
  const root = await fs.promises.realpath(weightsDir).catch(() => weightsDir);
  const entries = await Promise.all(
    folders.map(async (folder) => {
      const outside = await linkOutside(folder, root);
      if (outside !== undefined) return [outside];
      if (!(await isSweep(folder.path))) return [await readEntry(folder, path.basename(folder.path), cache)];
      const sweep = path.basename(folder.path);
      const runs = await subfolders(folder.path);
      return Promise.all(
        runs.map(async (run) => {
          const name = `${sweep}/${path.basename(run.path)}`;
          const entry = (await linkOutside(run, root, name)) ?? (await readEntry(run, name, cache));
          return entry && { ...entry, sweep };
        }),
      );
    }),
  );
  const found = entries.flat().filter((e): e is CheckpointEntry => e !== undefined);
  cache?.keepOnly(new Set(found.map((e) => e.path)));
  return found.sort(compareEntries);
}

/** A folder found in a listing, or a link (to anything) in its place. */
interface Subfolder {
  path: string;
  link: boolean;
}

/** The folders (and links) in `dir`, but not dot-folders: the worker's `.tmp-*` checkpoints in the making, and hidden things. */
async function subfolders(dir: string): Promise<Subfolder[]> {
  let dirents: fs.Dirent[];
  try {
    dirents = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return []; // No weights folder yet (or not a folder): nothing trained here.
  }
  return dirents
    .filter((d) => !d.name.startsWith('.') && (d.isDirectory() || d.isSymbolicLink()))
    .map((d) => ({ path: path.join(dir, d.name), link: d.isSymbolicLink() }));
}

/** A sweep's folder holds its record and its runs, and no checkpoint of its own. */
async function isSweep(dir: string): Promise<boolean> {
  const has = (file: string): Promise<boolean> =>
    fs.promises.access(path.join(dir, file)).then(
      () => true,
      () => false,
    );
  return (await has(SWEEP_FILE)) && !(await has(META_FILE));
}

/**
 * When `folder` is a symbolic link whose target lies outside the weights folder (`root`, resolved):
 * an entry that says so, without reading anything there. Undefined for a folder, or a link that
 * stays inside.
 */
async function linkOutside(folder: Subfolder, root: string, name = path.basename(folder.path)): Promise<CheckpointEntry | undefined> {
  if (!folder.link) return undefined;
  const target = await fs.promises.realpath(folder.path).catch(() => undefined);
  // Dangling, or a link to a file: readEntry leaves it out.
  if (target === undefined || !(await fs.promises.stat(target)).isDirectory()) return undefined;
  if (isInside(root, target)) return undefined;
  return { name, path: folder.path, valid: false, problem: `a link to ${target}, outside the weights folder: not read` };
}

async function readEntry(folder: Subfolder, name: string, cache: ListingCache | undefined): Promise<CheckpointEntry | undefined> {
  const dir = folder.path;
  // A link to a file, or a dangling one, is no entry.
  if (folder.link && !(await fs.promises.stat(dir).catch(() => undefined))?.isDirectory()) return undefined;
  const [metaFile, weightsFile] = await Promise.all(
    [META_FILE, WEIGHTS_FILE].map((file) => fs.promises.lstat(path.join(dir, file)).catch(() => undefined)),
  );
  const files = [metaFile, weightsFile]
    .map((s) => (s ? `${s.isSymbolicLink()}:${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` : 'none'))
    .join('|');
  const known = cache?.get(dir, files);
  if (known) return { ...known, name };
  const { entry, lasting } = await readFresh(dir, name, weightsFile);
  if (lasting) cache?.set(dir, files, entry);
  return entry;
}

/**
 * The entry the folder's files make now; `lasting` unless a file could not be read at all (too
 * many open files, no permission: the same files may read later, so the entry is not kept).
 */
async function readFresh(
  dir: string,
  name: string,
  weightsFile: fs.Stats | undefined,
): Promise<{ entry: CheckpointEntry; lasting: boolean }> {
  try {
    const meta = await readCheckpointMeta(dir);
    const problem = weightsProblem(weightsFile, meta);
    return { entry: problem ? { name, path: dir, valid: false, problem } : { name, path: dir, valid: true, meta }, lasting: true };
  } catch (e) {
    const known = e instanceof CheckpointError;
    const problem = known ? e.reason : `cannot read the checkpoint (${(e as Error).message})`;
    return { entry: { name, path: dir, valid: false, problem }, lasting: known && (e.code === undefined || e.code === 'ENOENT') };
  }
}

/** weights.bin (its `lstat`) must hold exactly the float32 tensors listed in checkpoint.json (and be a file of its own, not a link). */
function weightsProblem(stat: fs.Stats | undefined, meta: CheckpointMeta): string | undefined {
  if (stat?.isSymbolicLink()) return LINKED_FILE(WEIGHTS_FILE);
  if (!stat?.isFile()) return `missing ${WEIGHTS_FILE}`;
  return weightsSizeProblem(stat.size, meta.weights);
}

function compareEntries(a: CheckpointEntry, b: CheckpointEntry): number {
  if (a.valid && b.valid) return b.meta.createdAt.localeCompare(a.meta.createdAt) || a.name.localeCompare(b.name);
  if (a.valid !== b.valid) return a.valid ? -1 : 1;
  return a.name.localeCompare(b.name);
}
