// Lists the checkpoints of the weights folder for the tree, the Evaluate quick pick and the
// test API. Reads only checkpoint.json and the size of weights.bin: never TensorFlow, so the
// extension host stays light, and a broken folder becomes an entry with a reason, not a throw.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, CheckpointMeta, META_FILE, WEIGHTS_FILE, weightsSizeProblem } from '../protocol/checkpointFormat';
import { SWEEP_FILE } from '../protocol/sweepFormat';
import { LINKED_FILE, readCheckpointMeta } from '../checkpoint/read';

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
 * Newest valid checkpoints first, then the invalid folders by name; a sweep's folder is not an
 * entry, its runs are. Empty if the folder does not exist.
 */
export async function listCheckpoints(weightsDir: string): Promise<CheckpointEntry[]> {
  const folders = await subfolders(weightsDir);
  // Where the weights folder really is: a link in it that leads elsewhere is not read (a cloned repository's weights are someone else's).
  const root = await fs.promises.realpath(weightsDir).catch(() => weightsDir);
  const entries = await Promise.all(
    folders.map(async (dir) => {
      const outside = await linkOutside(dir, root);
      if (outside !== undefined) return [outside];
      if (!(await isSweep(dir))) return [await readEntry(dir, path.basename(dir))];
      const sweep = path.basename(dir);
      const runs = await subfolders(dir);
      return Promise.all(
        runs.map(async (run) => {
          const name = `${sweep}/${path.basename(run)}`;
          const entry = (await linkOutside(run, root, name)) ?? (await readEntry(run, name));
          return entry && { ...entry, sweep };
        }),
      );
    }),
  );
  const found = entries.flat().filter((e): e is CheckpointEntry => e !== undefined);
  return found.sort(compareEntries);
}

/** The folders (and links to them) in `dir`, but not dot-folders: the worker's `.tmp-*` checkpoints in the making, and hidden things. */
async function subfolders(dir: string): Promise<string[]> {
  let dirents: fs.Dirent[];
  try {
    dirents = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return []; // No weights folder yet (or not a folder): nothing trained here.
  }
  return dirents.filter((d) => !d.name.startsWith('.') && (d.isDirectory() || d.isSymbolicLink())).map((d) => path.join(dir, d.name));
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
 * When `dir` is a symbolic link whose target lies outside the weights folder (`root`, resolved):
 * an entry that says so, without reading anything there. Undefined for a folder, or a link that
 * stays inside.
 */
async function linkOutside(dir: string, root: string, name = path.basename(dir)): Promise<CheckpointEntry | undefined> {
  const link = await fs.promises.lstat(dir).catch(() => undefined);
  if (!link?.isSymbolicLink()) return undefined;
  const target = await fs.promises.realpath(dir).catch(() => undefined);
  // Dangling, or a link to a file: readEntry leaves it out.
  if (target === undefined || !(await fs.promises.stat(target)).isDirectory()) return undefined;
  const inside = path.relative(root, target);
  if (inside !== '' && inside !== '..' && !inside.startsWith(`..${path.sep}`) && !path.isAbsolute(inside)) return undefined;
  return { name, path: dir, valid: false, problem: `a link to ${target}, outside the weights folder: not read` };
}

async function readEntry(dir: string, name: string): Promise<CheckpointEntry | undefined> {
  const stat = await fs.promises.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) return undefined; // A symbolic link to a file, or a dangling one.
  try {
    const meta = await readCheckpointMeta(dir);
    const problem = await weightsProblem(dir, meta);
    return problem ? { name, path: dir, valid: false, problem } : { name, path: dir, valid: true, meta };
  } catch (e) {
    const problem = e instanceof CheckpointError ? e.reason : `cannot read the checkpoint (${(e as Error).message})`;
    return { name, path: dir, valid: false, problem };
  }
}

/** weights.bin must hold exactly the float32 tensors listed in checkpoint.json (and be a file of its own, not a link). */
async function weightsProblem(dir: string, meta: CheckpointMeta): Promise<string | undefined> {
  const stat = await fs.promises.lstat(path.join(dir, WEIGHTS_FILE)).catch(() => undefined);
  if (stat?.isSymbolicLink()) return LINKED_FILE(WEIGHTS_FILE);
  if (!stat?.isFile()) return `missing ${WEIGHTS_FILE}`;
  return weightsSizeProblem(stat.size, meta.weights);
}

function compareEntries(a: CheckpointEntry, b: CheckpointEntry): number {
  if (a.valid && b.valid) return b.meta.createdAt.localeCompare(a.meta.createdAt) || a.name.localeCompare(b.name);
  if (a.valid !== b.valid) return a.valid ? -1 : 1;
  return a.name.localeCompare(b.name);
}
