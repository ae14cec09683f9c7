// The runtime folder on disk (its layout is protocol/runtime.ts's contract): where the addon and
// the libraries go, and whether a folder holds a complete runtime.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRuntimeManifest, MANIFEST_FILE, NAPI_FOLDER, type RuntimeManifest } from '../protocol/runtime';

export function bindingFile(runtimeDir: string): string {
  return path.join(runtimeDir, 'lib', NAPI_FOLDER, 'tfjs_binding.node');
}

export function libraryFolder(runtimeDir: string): string {
  return path.join(runtimeDir, 'deps', 'lib');
}

/**
 * The manifest of a complete runtime folder, or undefined. The set-up writes it last and then
 * renames the whole folder into place, so a folder with a valid manifest is complete.
 */
export function readManifest(runtimeDir: string): RuntimeManifest | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(runtimeDir, MANIFEST_FILE), 'utf8'));
    return isRuntimeManifest(parsed) && fs.existsSync(bindingFile(runtimeDir)) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
