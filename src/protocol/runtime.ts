// The native TensorFlow runtime as a folder on disk: what the extension sets up (src/runtime) and
// what the training process loads (src/training/native/runtime.ts). Its layout is tfjs-node's own
// package layout, `lib/napi-v8/tfjs_binding.node` + `deps/lib/<TensorFlow libraries>`, because
// tfjs-node's prebuilt addons find their libraries through the RUNPATH `$ORIGIN/../../deps/lib`:
// so an official addon, the addon built for the wheel's library, and a developer's
// `node_modules/@tensorflow/tfjs-node` all work without LD_LIBRARY_PATH.
import tfjsNodePackage from '@tensorflow/tfjs-node/package.json';
import { isRecord } from './guards';

/** The version of tfjs-node whose JavaScript the training process bundles; its addon must match. */
export const TFJS_NODE_VERSION: string = tfjsNodePackage.version;
/** N-API 8: the addon folder node-pre-gyp picks for tfjs-node 4.22 on Node 16+ (VS Code's included). */
export const NAPI_FOLDER = 'napi-v8';
/** Names the runtime folder for the forked training process. */
export const RUNTIME_ENV = 'LSTM_MNIST_RUNTIME';
export const MANIFEST_FILE = 'runtime.json';
export const RUNTIME_FORMAT = 'lstm-mnist-runtime';
export const RUNTIME_VERSION = 1;

export type RuntimeFlavor = 'cpu' | 'gpu';
/** Where the TensorFlow library came from: the three set-up sources (see src/runtime/sources). */
export type RuntimeSourceKind = 'official' | 'python' | 'pip';

export interface RuntimeManifest {
  format: typeof RUNTIME_FORMAT;
  version: number;
  /** The folder's name, see runtimeKey. */
  key: string;
  flavor: RuntimeFlavor;
  platform: string;
  arch: string;
  tfjsNode: string;
  source: RuntimeSourceKind;
  /** For people: e.g. "pip's tensorflow-cpu 2.21.0 wheel". */
  description: string;
  /** TF_Version() of the library, as the set-up's check read it. */
  tensorflow: string;
  /** ISO 8601. */
  installedAt: string;
}

/**
 * One folder per tfjs-node version, flavour and platform: an extension update that keeps the
 * same tfjs-node reuses the runtime; one that changes it sets up a new one.
 */
export function runtimeKey(flavor: RuntimeFlavor, platform: string = process.platform, arch: string = process.arch): string {
  return `tfjs-node-${TFJS_NODE_VERSION}-${flavor}-${platform}-${arch}`;
}

export function isRuntimeManifest(v: unknown): v is RuntimeManifest {
  return (
    isRecord(v) &&
    v.format === RUNTIME_FORMAT &&
    v.version === RUNTIME_VERSION &&
    typeof v.key === 'string' &&
    (v.flavor === 'cpu' || v.flavor === 'gpu') &&
    typeof v.description === 'string' &&
    typeof v.tensorflow === 'string' &&
    typeof v.tfjsNode === 'string'
  );
}
