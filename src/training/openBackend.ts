// The backend a job computes on, by the user's choice (src/runtime/backendChoice.ts's rule): native
// TensorFlow (native/backend.ts) or the portable kernels (portable/portableBackend.ts). For `auto`,
// a native runtime that is missing or does not load is why the portable kernels run, and the
// job's first warning says so.
import type { BackendChoice, DeviceChoice } from '../protocol/compute';
import { chooseBackend, portableNote } from '../runtime/backendChoice';
import { DeviceError } from '../runtime/device';
import { type Backend, loadBackend } from './native/backend';
import { loadPortableBackend } from './portable/portableBackend';

export function openBackend(device: DeviceChoice, choice: BackendChoice = 'auto', doing: 'training' | 'computing' = 'computing'): Backend {
  const situation = { platform: process.platform, arch: process.arch };
  if (choice === 'portable' && device === 'gpu')
    throw new DeviceError('device "gpu": the portable kernels run on the CPU; use backend "native" for the GPU');
  if (chooseBackend(choice, situation).backend === 'native') {
    if (choice === 'native' || device === 'gpu') return loadBackend(device);
    try {
      return loadBackend(device);
    } catch (e) {
      if (e instanceof DeviceError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      return loadPortableBackend(note(chooseBackend(choice, { ...situation, nativeProblem: why }).reason, doing));
    }
  }
  return loadPortableBackend(note(chooseBackend(choice, situation).reason, doing));
}

function note(reason: string | undefined, doing: 'training' | 'computing'): string | undefined {
  return reason === undefined ? undefined : portableNote(reason, doing);
}
