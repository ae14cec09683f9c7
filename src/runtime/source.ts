// What a set-up source is (one way to get TensorFlow's native library and a matching tfjs-node
// addon into a runtime folder) and what it reports while it works. The three sources are in
// ./sources; setup.ts tries them in the order of the platform's plan.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bindingFile, libraryFolder } from './runtimeFolder';
import { type RuntimeFlavor, type RuntimeSourceKind } from '../protocol/runtime';

/** A step of the set-up the user sees, with a bar when its size is known. */
export interface StepProgress {
  /** How much of the step is done, in the unit of its total (bytes). */
  report(done: number): void;
  end(): void;
}

export interface SetupReporter {
  log(line: string): void;
  /** Starts a step (a download, an unpack, a check); `total` in bytes when known. */
  step(title: string, total?: number): StepProgress;
}

export interface SourceContext {
  flavor: RuntimeFlavor;
  platform: string;
  arch: string;
  reporter: SetupReporter;
  signal: AbortSignal;
  /** The addon built for a TensorFlow 2 C library named libtensorflow_cc.so.2, when the package ships one for this platform. */
  bundledAddon?: string;
}

export interface RuntimeSource {
  kind: RuntimeSourceKind;
  /** For the log and the error message, e.g. "tfjs-node's official binaries". */
  title: string;
  /** Disk space the set-up needs at its peak, for a check before it starts. */
  neededBytes: number;
  /**
   * Puts the library into `deps/lib` and the addon into `lib/napi-v8` of `dir` (an empty staging
   * folder); returns what it installed, for people. Throws a readable Error when it cannot.
   */
  install(dir: string, ctx: SourceContext): Promise<string>;
}

/**
 * The TensorFlow C library of TensorFlow 2.x's Python packages is `libtensorflow_cc.so.2`;
 * tfjs-node's official addon was linked against libtensorflow 2.9.1's `libtensorflow.so.2`.
 * Both names in the folder let either addon load either library (the C API is the same).
 */
export function linkLibraryAliases(dir: string): void {
  const lib = libraryFolder(dir);
  const names = ['libtensorflow_cc.so.2', 'libtensorflow.so.2'];
  const present = names.find((n) => fs.existsSync(path.join(lib, n)));
  if (!present) return;
  for (const name of names) {
    if (!fs.existsSync(path.join(lib, name))) fs.symlinkSync(present, path.join(lib, name));
  }
}

/** Copies the package's addon into the runtime folder (Python and pip sources). */
export async function installBundledAddon(dir: string, ctx: SourceContext): Promise<void> {
  if (!ctx.bundledAddon || !fs.existsSync(ctx.bundledAddon)) {
    throw new Error(`this package has no tfjs-node addon for ${ctx.platform}-${ctx.arch} to pair with a Python TensorFlow`);
  }
  const dest = bindingFile(dir);
  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  await fs.promises.copyFile(ctx.bundledAddon, dest);
}
