// Loads TensorFlow.js on the native backend for the requested device. Where TensorFlow comes from
// is runtime.ts's business: the runtime the extension set up (which already fixes the device),
// or the packages in a developer's node_modules (tfjs-node-gpu when it is installed and a CUDA
// GPU is present, else tfjs-node). The device rule itself is src/runtime/device.ts.
import type { DeviceChoice } from '../../protocol/compute';
import type { DeviceInfo } from '../../protocol/training';
import { chooseDevice, cudaGpuPresent, DeviceError } from '../../runtime/device';
import {
  CPU_PACKAGE,
  developmentRuntime,
  GPU_PACKAGE,
  installedRuntime,
  type NativeRuntime,
  RuntimeMissingError,
  useRuntime,
} from './runtime';
import { tfjsNodeInternals } from './internals';

/** TensorFlow.js's API, as both backends have it (the portable one is plain tfjs on its CPU backend). */
export type Tf = typeof import('@tensorflow/tfjs');
/** tfjs-node's: TensorFlow.js and its Node additions (file handlers, the summary writer, image decoding). */
export type NativeTf = typeof import('@tensorflow/tfjs-node');

/** What a loaded backend is; how a run uses it (its training path) is added by loop/trainingPath.ts. */
export type BackendInfo = Omit<DeviceInfo, 'fusedKernels' | 'kernels' | 'shares' | 'replicas'>;

export interface Backend {
  tf: Tf;
  /** tfjs-node itself, where it is what computes. */
  native?: NativeTf;
  info: BackendInfo;
  warning?: string;
}

interface Choice {
  runtime: NativeRuntime;
  warning?: string;
}

function chooseRuntime(requested: DeviceChoice): Choice {
  const installed = installedRuntime();
  if (installed) {
    // The extension chose the flavour for this run when it set the runtime up.
    if (requested === 'gpu' && installed.flavor !== 'gpu')
      throw new DeviceError('device "gpu": the TensorFlow runtime given to this process is the CPU build');
    return { runtime: installed };
  }
  const gpu = requested === 'cpu' ? undefined : developmentRuntime('gpu');
  const decision = chooseDevice(requested, {
    gpuBuild: gpu
      ? { ready: true }
      : { ready: false, why: `${GPU_PACKAGE} is not installed (it needs CUDA 11.2 + cuDNN 8.1: \`npm install ${GPU_PACKAGE}\`)` },
    cudaGpuPresent: requested !== 'cpu' && cudaGpuPresent(),
  });
  const runtime = decision.device === 'gpu' ? gpu : developmentRuntime('cpu');
  if (!runtime) throw new RuntimeMissingError(`${CPU_PACKAGE} has no native addon in node_modules: run \`npm run setup\``);
  return { runtime, warning: decision.warning };
}

/** Loads the backend for `requested`. */
export function loadBackend(requested: DeviceChoice): Backend {
  const { runtime, warning } = chooseRuntime(requested);
  useRuntime(runtime);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf: NativeTf = require('@tensorflow/tfjs-node');
  const backend = tf.getBackend();
  // tfjs-node's insides this project uses, checked now rather than deep inside a run.
  if (backend === 'tensorflow') tfjsNodeInternals(tf);
  return {
    tf,
    native: tf,
    info: {
      device: runtime.flavor,
      backend,
      package: runtime.flavor === 'gpu' ? GPU_PACKAGE : CPU_PACKAGE,
      runtime: runtime.description,
    },
    warning,
  };
}
