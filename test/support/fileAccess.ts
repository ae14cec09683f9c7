// What an extension opens and starts while a test drives it: the files under a folder that it
// reads (by the fs functions that read a file's bytes) and the processes it starts. The
// extension's bundle calls node's fs and child_process through the modules' objects at call time,
// so wrapping their functions here, in the same process, sees every call; a call is the
// extension's when its code is on the caller's stack (VS Code's own, such as its port finder's
// `ps`, are not).
import { createRequire } from 'node:module';
import * as path from 'node:path';

// The modules' own objects (an `import * as` namespace is a copy whose functions cannot be replaced).
const load = createRequire(__filename);
const fs = load('node:fs') as typeof import('node:fs');
const childProcess = load('node:child_process') as typeof import('node:child_process');

export interface FileAccess {
  /** The files under the watched folder read so far, relative to it. */
  readonly reads: string[];
  /** The commands of the processes started so far. */
  readonly started: string[];
  /** Puts every wrapped function back. */
  restore(): void;
}

type Wrappable = Record<string, unknown>;

/** Whether code under `folder` is on the stack. */
function calledFrom(folder: string): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack.includes(folder);
}

/** Records the reads of files under `folder` and the processes started by code under `code`, until restored. */
export function watchFileAccess(folder: string, code: string): FileAccess {
  const reads: string[] = [];
  const started: string[] = [];
  const undo: (() => void)[] = [];
  const wrap = (owner: Wrappable, name: string, record: (first: unknown) => void): void => {
    const original = owner[name] as (...args: unknown[]) => unknown;
    owner[name] = function (this: unknown, ...args: unknown[]) {
      if (calledFrom(code)) record(args[0]);
      return original.apply(this, args);
    };
    undo.push(() => (owner[name] = original));
  };
  const readOf = (file: unknown): void => {
    const p = typeof file === 'string' ? file : file instanceof URL ? file.pathname : undefined;
    if (p === undefined) return;
    const inside = path.relative(folder, path.resolve(p));
    if (!inside.startsWith('..') && !path.isAbsolute(inside)) reads.push(inside.split(path.sep).join('/'));
  };
  const promises = fs.promises as unknown as Wrappable;
  for (const name of ['readFile', 'open']) wrap(promises, name, readOf);
  const sync = fs as unknown as Wrappable;
  for (const name of ['readFileSync', 'openSync', 'createReadStream', 'readFile', 'open']) wrap(sync, name, readOf);
  const processes = childProcess as unknown as Wrappable;
  for (const name of ['spawn', 'fork', 'execFile', 'exec', 'spawnSync', 'execFileSync', 'execSync'])
    wrap(processes, name, (command) => started.push(String(command)));
  return { reads, started, restore: () => undo.reverse().forEach((u) => u()) };
}
