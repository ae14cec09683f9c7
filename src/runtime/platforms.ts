// Where the extension can run TensorFlow, and which set-up sources it tries there, in order.
// - tfjs-node's official binaries exist for Linux x64 (CPU, GPU), macOS x64 (CPU) and Windows x64
//   (CPU, GPU): tfjs-node 4.22's own prebuilt addons, each paired with libtensorflow 2.9.1.
// - A Python TensorFlow (installed, or pip's wheel) brings only the C library; the addon that
//   goes with it is the one this package ships, built for Linux x64. macOS and Windows Python
//   builds do not ship the C library under a name an addon can link against (Windows has no
//   tensorflow.dll in the wheel; macOS wheels are arm64, which tfjs-node has no addon for).
// Anything else (Linux arm64, macOS arm64) would need the addon built from source with a C++
// toolchain, which a user of this extension is not asked to have.
import type { RuntimeFlavor, RuntimeSourceKind } from '../protocol/runtime';
import { TFJS_NODE_VERSION } from '../protocol/runtime';

/** pip's package of TensorFlow's CPU build, whose wheel holds the C library (source "pip"). */
export const WHEEL_PACKAGE = 'tensorflow-cpu';

/** tfjs-node 4.22's libtensorflow (scripts/deps-constants.js in the package; a test checks it). */
export const LIBTENSORFLOW_VERSION = '2.9.1';

interface PlatformSupport {
  /** The names tfjs-node's download URLs use. */
  os: 'linux' | 'darwin' | 'windows';
  official: readonly RuntimeFlavor[];
  /** Whether the package ships an addon for a Python TensorFlow's C library here. */
  bundledAddon: boolean;
}

const SUPPORT: Readonly<Record<string, PlatformSupport>> = {
  'linux-x64': { os: 'linux', official: ['cpu', 'gpu'], bundledAddon: true },
  'darwin-x64': { os: 'darwin', official: ['cpu'], bundledAddon: false },
  'win32-x64': { os: 'windows', official: ['cpu', 'gpu'], bundledAddon: false },
};

/** `linux-x64` and the like, as VS Code names platform-specific packages. */
export function platformId(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch}`;
}

export const SUPPORTED_PLATFORMS: readonly string[] = Object.keys(SUPPORT);

/** Platforms that VS Code runs on and tfjs-node has no runtime for: the portable kernels are the whole product there. */
export const PORTABLE_PLATFORMS: readonly string[] = ['darwin-arm64', 'linux-arm64', 'win32-arm64'];

/** The package without a target, which VS Code installs where no platform's package matches. */
export const UNIVERSAL = 'universal';

/** Every package `npm run package` builds: one per platform, and the universal one. */
export const PACKAGE_TARGETS: readonly string[] = [...SUPPORTED_PLATFORMS, ...PORTABLE_PLATFORMS, UNIVERSAL];

const OS_NAMES: Readonly<Record<string, string>> = { darwin: 'macOS', linux: 'Linux', win32: 'Windows' };

/** The platform as people name it: "macOS arm64", "Windows arm64", "Linux x64". */
export function platformName(platform: string = process.platform, arch: string = process.arch): string {
  return `${OS_NAMES[platform] ?? platform} ${arch}`;
}

/** Whether TensorFlow's native runtime (the CPU build) can be set up here at all. */
export function hasNativeRuntime(platform: string = process.platform, arch: string = process.arch): boolean {
  return setupPlan('cpu', platform, arch).length > 0;
}

/** The sources to try for `flavor` on this platform, in order; empty where it cannot run. */
export function setupPlan(flavor: RuntimeFlavor, platform: string = process.platform, arch: string = process.arch): RuntimeSourceKind[] {
  const support = SUPPORT[platformId(platform, arch)];
  if (!support) return [];
  const plan: RuntimeSourceKind[] = support.official.includes(flavor) ? ['official'] : [];
  // Python's CPU packages; the GPU build of a Python TensorFlow needs CUDA libraries that only
  // Python knows how to find.
  if (support.bundledAddon && flavor === 'cpu') plan.push('python', 'pip');
  return plan;
}

/** Why `flavor` cannot be set up here, for a message; undefined when it can. */
export function unsupportedReason(
  flavor: RuntimeFlavor,
  platform: string = process.platform,
  arch: string = process.arch,
): string | undefined {
  if (setupPlan(flavor, platform, arch).length > 0) return undefined;
  const here = platformId(platform, arch);
  if (!SUPPORT[here]) {
    return `TensorFlow for Node.js (tfjs-node ${TFJS_NODE_VERSION}) has no prebuilt binaries for ${here}; supported: ${SUPPORTED_PLATFORMS.join(', ')}`;
  }
  return `the GPU build of tfjs-node ${TFJS_NODE_VERSION} exists only for ${Object.entries(SUPPORT)
    .filter(([, s]) => s.official.includes('gpu'))
    .map(([p]) => p)
    .join(' and ')}`;
}

export interface OfficialUrls {
  library: string;
  addon: string;
}

/**
 * tfjs-node's own download addresses (scripts/install.js and the package's `binary` field).
 * TFJS_NODE_CDN_STORAGE, tfjs-node's own variable, points them at a mirror.
 */
export function officialUrls(
  flavor: RuntimeFlavor,
  platform: string = process.platform,
  arch: string = process.arch,
  base: string = process.env.TFJS_NODE_CDN_STORAGE || 'https://storage.googleapis.com/',
): OfficialUrls | undefined {
  const support = SUPPORT[platformId(platform, arch)];
  if (!support?.official.includes(flavor)) return undefined;
  const host = base.endsWith('/') ? base : `${base}/`;
  const ext = support.os === 'windows' ? 'zip' : 'tar.gz';
  return {
    library: `${host}tensorflow/libtensorflow/libtensorflow-${flavor}-${support.os}-x86_64-${LIBTENSORFLOW_VERSION}.${ext}`,
    addon: `${host}tf-builds/pre-built-binary/napi-v8/${TFJS_NODE_VERSION}/${flavor.toUpperCase()}-${support.os}-${TFJS_NODE_VERSION}.${ext}`,
  };
}

export function officialOs(platform: string = process.platform, arch: string = process.arch): PlatformSupport['os'] | undefined {
  return SUPPORT[platformId(platform, arch)]?.os;
}

/** Whether this package ships the addon for a Python TensorFlow on `platform`. */
export function shipsAddon(platform: string = process.platform, arch: string = process.arch): boolean {
  return SUPPORT[platformId(platform, arch)]?.bundledAddon ?? false;
}
