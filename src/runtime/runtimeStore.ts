// Where set-up runtimes live: one folder per runtime key under a root (the extension's global
// storage), found by its manifest. Light on purpose: the extension host reads this on every run,
// while the set-up itself (./setup.ts, with its archive libraries) loads only when one is needed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManifest } from './runtimeFolder';
import { type RuntimeFlavor, type RuntimeManifest, runtimeKey } from '../protocol/runtime';

/** The set-up's log, beside the runtimes. */
export const LOG_FILE = 'setup.log';
export const STAGING_PREFIX = '.staging-';
export const TRASH_PREFIX = '.trash-';

export interface InstalledRuntime {
  dir: string;
  manifest: RuntimeManifest;
}

export function runtimeDir(root: string, flavor: RuntimeFlavor, platform?: string, arch?: string): string {
  return path.join(root, runtimeKey(flavor, platform, arch));
}

/** The complete runtime for `flavor`, if one is set up. */
export function findRuntime(root: string, flavor: RuntimeFlavor, platform?: string, arch?: string): InstalledRuntime | undefined {
  const dir = runtimeDir(root, flavor, platform, arch);
  const manifest = readManifest(dir);
  return manifest ? { dir, manifest } : undefined;
}

/** Removes a runtime (to set it up again): renamed away first, so it never looks half there. */
export async function removeRuntime(root: string, flavor: RuntimeFlavor, platform?: string, arch?: string): Promise<void> {
  const dir = runtimeDir(root, flavor, platform, arch);
  const trash = path.join(root, `${TRASH_PREFIX}${process.pid}-${Date.now()}`);
  try {
    await fs.promises.rename(dir, trash);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await fs.promises.rm(trash, { recursive: true, force: true });
}

export interface Attempt {
  source: string;
  message: string;
}

export class SetupFailed extends Error {
  constructor(
    readonly flavor: RuntimeFlavor,
    readonly attempts: readonly Attempt[],
    why?: string,
  ) {
    super(
      why ??
        `TensorFlow (${flavor.toUpperCase()}) could not be set up. Tried: ${attempts.map((a) => `${a.source}: ${a.message}`).join('; ')}`,
    );
    this.name = 'SetupFailed';
  }
}

export class SetupCancelled extends Error {
  constructor() {
    super('The TensorFlow set-up was cancelled; nothing was installed.');
    this.name = 'SetupCancelled';
  }
}
