// Lists the checkpoints of the weights folder for the tree, the Evaluate quick pick and the
// test API. Reads only checkpoint.json and the size of weights.bin: never TensorFlow, so the
// extension host stays light, and a broken folder becomes an entry with a reason, not a throw.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError, CheckpointMeta, WEIGHTS_FILE, weightsSizeProblem } from '../protocol/checkpointFormat';
import { readCheckpointMeta } from '../checkpoint/read';

export type CheckpointEntry =
  { name: string; path: string; valid: true; meta: CheckpointMeta } | { name: string; path: string; valid: false; problem: string };

export type ValidCheckpoint = Extract<CheckpointEntry, { valid: true }>;

export function isValid(entry: CheckpointEntry): entry is ValidCheckpoint {
  return entry.valid;
}

/** Newest valid checkpoints first, then the invalid folders by name. Empty if the folder does not exist. */
export async function listCheckpoints(weightsDir: string): Promise<CheckpointEntry[]> {
  let dirents: fs.Dirent[];
  try {
    dirents = await fs.promises.readdir(weightsDir, { withFileTypes: true });
  } catch {
    return []; // No weights folder yet (or not a folder): nothing trained here.
  }
  const folders = dirents
    // Dot-folders are the worker's `.tmp-*` checkpoints in the making (and hidden things).
    .filter((d) => !d.name.startsWith('.') && (d.isDirectory() || d.isSymbolicLink()))
    .map((d) => path.join(weightsDir, d.name));
  const entries = await Promise.all(folders.map(readEntry));
  const found = entries.filter((e): e is CheckpointEntry => e !== undefined);
  return found.sort(compareEntries);
}

async function readEntry(dir: string): Promise<CheckpointEntry | undefined> {
  const name = path.basename(dir);
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

/** weights.bin must hold exactly the float32 tensors listed in checkpoint.json. */
async function weightsProblem(dir: string, meta: CheckpointMeta): Promise<string | undefined> {
  const stat = await fs.promises.stat(path.join(dir, WEIGHTS_FILE)).catch(() => undefined);
  if (!stat?.isFile()) return `missing ${WEIGHTS_FILE}`;
  return weightsSizeProblem(stat.size, meta.weights);
}

function compareEntries(a: CheckpointEntry, b: CheckpointEntry): number {
  if (a.valid && b.valid) return b.meta.createdAt.localeCompare(a.meta.createdAt) || a.name.localeCompare(b.name);
  if (a.valid !== b.valid) return a.valid ? -1 : 1;
  return a.name.localeCompare(b.name);
}
