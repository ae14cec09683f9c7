// The native TensorFlow runtime the training process loads: the folder the extension set up and
// named in LSTM_MNIST_RUNTIME, or, in a developer's checkout (the CLI, the tests, the benchmark),
// the tfjs-node package in node_modules, which has the same layout. The bundled tfjs-node asks
// tfjsBindingPath() for its addon (see scripts/tfjs-binding-loader.js). Free of TensorFlow: it
// runs before tfjs-node is loaded.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { bindingFile, readManifest } from '../../runtime/runtimeFolder';
import { RUNTIME_ENV, type RuntimeFlavor } from '../../protocol/runtime';

export const CPU_PACKAGE = '@tensorflow/tfjs-node';
export const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

export class RuntimeMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeMissingError';
  }
}

export interface NativeRuntime {
  dir: string;
  flavor: RuntimeFlavor;
  /** For people: where TensorFlow came from. */
  description: string;
}

let chosen: NativeRuntime | undefined;

/** The folder of an npm package in node_modules, found by Node's resolver (not the bundler's). */
function packageDir(pkg: string): string | undefined {
  try {
    return path.dirname(createRequire(__filename).resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/** The runtime the extension set up for this process, if it named one. */
export function installedRuntime(): NativeRuntime | undefined {
  const dir = process.env[RUNTIME_ENV];
  if (!dir) return undefined;
  const manifest = readManifest(dir);
  if (!manifest) {
    throw new RuntimeMissingError(
      `The TensorFlow runtime at ${dir} is missing or incomplete; run "LSTM MNIST: Set Up TensorFlow" to set it up again.`,
    );
  }
  return { dir, flavor: manifest.flavor, description: `${manifest.description}, TensorFlow ${manifest.tensorflow}` };
}

/** tfjs-node (or tfjs-node-gpu) installed in a developer's node_modules. */
export function developmentRuntime(flavor: RuntimeFlavor): NativeRuntime | undefined {
  const pkg = flavor === 'gpu' ? GPU_PACKAGE : CPU_PACKAGE;
  const dir = packageDir(pkg);
  return dir && fs.existsSync(bindingFile(dir)) ? { dir, flavor, description: `${pkg} in node_modules` } : undefined;
}

/** Makes `runtime` the one tfjs-node loads; call before the first require of tfjs-node. */
export function useRuntime(runtime: NativeRuntime): void {
  chosen = runtime;
}

/** Where the bundled tfjs-node finds its addon. */
export function tfjsBindingPath(): string {
  const runtime = chosen ?? installedRuntime() ?? developmentRuntime('cpu');
  if (!runtime) {
    throw new RuntimeMissingError(
      'No TensorFlow runtime: in VS Code run "LSTM MNIST: Set Up TensorFlow"; in a checkout run `npm run setup`.',
    );
  }
  return bindingFile(runtime.dir);
}
