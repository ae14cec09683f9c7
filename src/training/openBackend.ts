// The backend a job computes on, by the user's choice (src/runtime/backendChoice.ts's rule): native
// TensorFlow (native/backend.ts) or the portable kernels (portable/portableBackend.ts). For `auto`,
// a native runtime that is missing or does not load is why the portable kernels run, and the
// job's first warning says so.
import type { BackendChoice, DeviceChoice } from '../protocol/compute';
import { type BackendSituation, chooseBackend, portableNote } from '../runtime/backendChoice';
import { DeviceError } from '../runtime/device';
import { type Backend, loadBackend } from './native/backend';
import { loadPortableBackend } from './portable/portableBackend';

export function openBackend(device: DeviceChoice, choice: BackendChoice = 'auto', doing: 'training' | 'computing' = 'computing'): Backend {
  if (choice === 'portable' && device === 'gpu')
    throw new DeviceError('device "gpu": the portable kernels run on the CPU; use backend "native" for the GPU');
  const portable = (situation: BackendSituation): Backend => {
    const { reason } = chooseBackend(choice, situation);
    return loadPortableBackend(reason === undefined ? undefined : portableNote(reason, doing));
  };
  const here = { platform: process.platform, arch: process.arch };
  if (chooseBackend(choice, here).backend === 'portable') return portable(here);
  // An explicit native choice, or the GPU, fails as it fails; only `auto` falls back.
  if (choice === 'native' || device === 'gpu') return loadBackend(device);
  try {
    return loadBackend(device);
  } catch (e) {
    if (e instanceof DeviceError) throw e;
    return portable({ ...here, nativeProblem: e instanceof Error ? e.message : String(e) });
  }
}
