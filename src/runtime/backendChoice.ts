// Which backend computes a run: TensorFlow's native runtime or the portable WebAssembly kernels.
// A pure rule, shared by the extension (before it sets a runtime up) and the training process
// (when it loads one), tested for every platform and failure. `auto` takes the native runtime
// where this platform has one and it is (or can be) set up, and the portable kernels otherwise,
// saying why; an explicit choice is obeyed (a native one that cannot load is an error).
import type { BackendChoice } from '../protocol/compute';
import { hasNativeRuntime, platformName } from './platforms';

export interface BackendSituation {
  platform: string;
  arch: string;
  /** Why the native runtime cannot be used here and now (not set up, set-up failed, does not load); undefined when it can. */
  nativeProblem?: string;
}

export interface BackendDecision {
  backend: 'native' | 'portable';
  /** Why the portable kernels compute although native TensorFlow was not refused ("TensorFlow's native runtime is not available on macOS arm64"). */
  reason?: string;
}

/** What a job says when the portable kernels compute for `reason`: "…: training with the portable kernels". */
export function portableNote(reason: string, doing: 'training' | 'computing'): string {
  return `${reason}: ${doing} with the portable kernels`;
}

export function chooseBackend(choice: BackendChoice, situation: BackendSituation): BackendDecision {
  if (choice === 'native') return { backend: 'native' };
  if (choice === 'portable') return { backend: 'portable' };
  const { platform, arch, nativeProblem } = situation;
  if (!hasNativeRuntime(platform, arch)) {
    return { backend: 'portable', reason: `TensorFlow's native runtime is not available on ${platformName(platform, arch)}` };
  }
  if (nativeProblem !== undefined) return { backend: 'portable', reason: `TensorFlow's native runtime cannot be used (${nativeProblem})` };
  return { backend: 'native' };
}
