// The native TensorFlow runtime of the installed extension: found in the extension's global
// storage, or set up there on first use (Train, Evaluate, or "LSTM MNIST: Set Up TensorFlow")
// with visible, cancellable progress. Decides the device of each run (the GPU build when a CUDA
// GPU is present and that build can be set up, else the CPU) and hands the training process the
// runtime folder through its environment. In a developer's checkout the tfjs-node package in
// node_modules is the runtime, as for the CLI, and nothing is set up.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bindingFile } from '../runtime/runtimeFolder';
import { RUNTIME_ENV, type RuntimeFlavor } from '../protocol/runtime';
import type { BackendChoice, DeviceChoice } from '../protocol/compute';
import { chooseBackend, portableNote } from '../runtime/backendChoice';
import { settingId } from '../protocol/runOptions';
import { chooseDevice, cudaGpuPresent, DeviceError, type DeviceProbe } from '../runtime/device';
import { platformId, setupPlan, shipsAddon, unsupportedReason, WHEEL_PACKAGE } from '../runtime/platforms';
import { findRuntime, type InstalledRuntime, LOG_FILE, removeRuntime, SetupCancelled, SetupFailed } from '../runtime/runtimeStore';
import type { ProbeRuntime } from '../runtime/setup';
import { workerProbe } from './runtimeProbe';
import { SetupProgress } from './setupProgress';

/**
 * What a job needs to start: the backend it computes on, the environment that names its native
 * runtime, and a warning to show (why the GPU, or the native runtime, is not used).
 */
export type RuntimeForJob =
  | { ok: true; backend: 'native' | 'portable'; env: Record<string, string>; warning?: string }
  | { ok: false; status: 'cancelled' | 'error'; message: string };

export type SetupResult =
  { status: 'done'; runtime: InstalledRuntime } | { status: 'cancelled'; message: string } | { status: 'error'; message: string };

/** "TensorFlow 2.21.0 (CPU) from pip's tensorflow-cpu 2.21.0 wheel". */
function describe({ manifest }: InstalledRuntime): string {
  return `TensorFlow ${manifest.tensorflow} (${manifest.flavor.toUpperCase()}) from ${manifest.description}`;
}

/** globalState key: why the GPU build could not be set up, so `auto` does not retry every run. */
const GPU_FAILED_KEY = 'lstmMnist.gpuSetupFailed';
/** globalState key: why the CPU build could not be set up, so `auto` trains on the portable kernels at once until Set Up TensorFlow is run. */
const CPU_FAILED_KEY = 'lstmMnist.cpuSetupFailed';

export class TensorflowRuntime {
  private readonly running = new Map<RuntimeFlavor, Promise<SetupResult>>();
  /** Whether this window has been told why the GPU is not used. */
  private warned = false;

  constructor(
    private readonly context: Pick<vscode.ExtensionContext, 'extensionUri' | 'globalStorageUri' | 'globalState'>,
    private readonly output: vscode.OutputChannel,
    private readonly workerPath: string,
  ) {}

  /** `<global storage>/runtime`: one folder per runtime, and setup.log. */
  get root(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'runtime');
  }

  get logFile(): string {
    return path.join(this.root, LOG_FILE);
  }

  /** tfjs-node in the extension's own node_modules: only in a developer's checkout (the .vsix has none). */
  private developmentRuntime(): boolean {
    return fs.existsSync(bindingFile(path.join(this.context.extensionUri.fsPath, 'node_modules', '@tensorflow', 'tfjs-node')));
  }

  installed(flavor: RuntimeFlavor): InstalledRuntime | undefined {
    return findRuntime(this.root, flavor);
  }

  /**
   * What a job on `device` and `backend` computes on: the native runtime, set up first if needed,
   * or, for `auto` where this platform has none or it cannot be set up, the portable kernels
   * (src/runtime/backendChoice.ts's rule), with a warning that says why.
   */
  async forJob(device: DeviceChoice, backend: BackendChoice, doing: 'training' | 'computing'): Promise<RuntimeForJob> {
    if (backend === 'portable') return { ok: true, backend, env: {} };
    const here = { platform: process.platform, arch: process.arch };
    const portable = (nativeProblem?: string): RuntimeForJob => {
      const note = portableNote(chooseBackend('auto', { ...here, nativeProblem }).reason!, doing);
      this.output.appendLine(`[runtime] ${note}`);
      return { ok: true, backend: 'portable', env: {}, warning: `${note}.` };
    };
    const auto = backend === 'auto' && device !== 'gpu';
    if (auto && chooseBackend('auto', here).backend === 'portable') return portable();
    const failedBefore = this.context.globalState.get<string>(CPU_FAILED_KEY);
    if (auto && failedBefore && !this.developmentRuntime() && !this.installed('cpu')) {
      return portable(failedBefore);
    }
    const native = await this.nativeForJob(device, auto);
    if (native.ok || native.status === 'cancelled' || !auto) return native;
    await this.context.globalState.update(CPU_FAILED_KEY, native.message);
    return portable(native.message);
  }

  /** The native runtime for a run on `device`, set up first if needed; a failed set-up is shown unless `quiet` (the caller goes on without it). */
  private async nativeForJob(device: DeviceChoice, quiet: boolean): Promise<RuntimeForJob> {
    if (this.developmentRuntime()) {
      this.output.appendLine("[runtime] using @tensorflow/tfjs-node from the extension's node_modules (a development checkout)");
      return { ok: true, backend: 'native', env: {} };
    }
    // The GPU build is only worth setting up (hundreds of MB) where there is a GPU to run it on.
    const cuda = device !== 'cpu' && cudaGpuPresent();
    const probe: DeviceProbe = { gpuBuild: { ready: false, why: '' }, cudaGpuPresent: cuda };
    let gpu: InstalledRuntime | undefined;
    if (cuda) {
      const gpuReady = await this.gpuBuild(device);
      if (gpuReady.status === 'cancelled') return { ok: false, status: 'cancelled', message: gpuReady.message };
      if (gpuReady.status === 'done') gpu = gpuReady.runtime;
      probe.gpuBuild = gpu ? { ready: true } : { ready: false, why: gpuReady.status === 'error' ? gpuReady.message : '' };
    }
    let decision;
    try {
      decision = chooseDevice(device, probe);
    } catch (e) {
      if (!(e instanceof DeviceError)) throw e;
      this.showFailure(`${settingId('device')}: ${e.message.replace(/^device "gpu": /, 'the GPU cannot be used: ')}`, settingId('device'));
      return { ok: false, status: 'error', message: e.message };
    }
    const runtime = decision.device === 'gpu' ? { status: 'done' as const, runtime: gpu! } : await this.ensure('cpu');
    if (runtime.status === 'error' && !quiet) this.showFailure(runtime.message);
    if (runtime.status !== 'done') return { ok: false, status: runtime.status, message: runtime.message };
    this.output.appendLine(`[runtime] ${describe(runtime.runtime)}: ${runtime.runtime.dir}`);
    if (decision.warning && !this.warned) {
      // Once per window: the panel repeats it on every run.
      this.warned = true;
      void vscode.window.showWarningMessage(`LSTM MNIST: ${decision.warning}.`);
    }
    return { ok: true, backend: 'native', env: { [RUNTIME_ENV]: runtime.runtime.dir }, warning: decision.warning };
  }

  /**
   * The GPU runtime, set up if it can be; with `auto`, a set-up that failed once is not tried
   * again on every run (Set Up TensorFlow tries again).
   */
  private async gpuBuild(device: DeviceChoice): Promise<SetupResult> {
    const unsupported = unsupportedReason('gpu');
    if (unsupported) return { status: 'error', message: unsupported };
    const installed = this.installed('gpu');
    if (installed) return { status: 'done', runtime: installed };
    const failedBefore = this.context.globalState.get<string>(GPU_FAILED_KEY);
    if (device === 'auto' && failedBefore) return { status: 'error', message: `the GPU build could not be set up (${failedBefore})` };
    const result = await this.ensure('gpu');
    if (result.status === 'error') await this.context.globalState.update(GPU_FAILED_KEY, result.message);
    return result.status === 'error' ? { status: 'error', message: `the GPU build could not be set up (${result.message})` } : result;
  }

  /** The runtime for `flavor`, set up with progress if it is not there; one set-up at a time per flavour. */
  ensure(flavor: RuntimeFlavor): Promise<SetupResult> {
    const installed = this.installed(flavor);
    if (installed) return Promise.resolve({ status: 'done', runtime: installed });
    let running = this.running.get(flavor);
    if (!running) {
      running = this.setUp(flavor).finally(() => this.running.delete(flavor));
      this.running.set(flavor, running);
    }
    return running;
  }

  /**
   * "LSTM MNIST: Set Up TensorFlow": sets up the runtime the device setting needs; when it is
   * there, says so and offers to set it up again (a repair), without waiting for the answer.
   */
  async setUpCommand(device: DeviceChoice): Promise<SetupResult> {
    const flavor: RuntimeFlavor = device === 'gpu' || (device === 'auto' && !unsupportedReason('gpu') && cudaGpuPresent()) ? 'gpu' : 'cpu';
    const installed = this.installed(flavor);
    if (installed) {
      const again = 'Set Up Again';
      const log = 'Show Log';
      void vscode.window.showInformationMessage(`${describe(installed)} is set up in ${installed.dir}.`, again, log).then((choice) => {
        if (choice === log) void this.showLog();
        else if (choice === again) void removeRuntime(this.root, flavor).then(() => this.setUpAndSay(flavor));
      });
      return { status: 'done', runtime: installed };
    }
    return this.setUpAndSay(flavor);
  }

  /** A set-up asked for by the user, who is told when it is done; it also moves `auto` back to the native runtime. */
  private async setUpAndSay(flavor: RuntimeFlavor): Promise<SetupResult> {
    await this.context.globalState.update(flavor === 'gpu' ? GPU_FAILED_KEY : CPU_FAILED_KEY, undefined);
    const result = await this.ensure(flavor);
    if (result.status === 'done') void vscode.window.showInformationMessage(`${describe(result.runtime)} is set up.`);
    else if (result.status === 'error') this.showFailure(result.message);
    return result;
  }

  async showLog(): Promise<void> {
    if (!fs.existsSync(this.logFile)) {
      this.output.show(true);
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(this.logFile), { preview: true });
  }

  private async setUp(flavor: RuntimeFlavor): Promise<SetupResult> {
    if (this.context.globalStorageUri.scheme !== 'file') {
      return {
        status: 'error',
        message: `The extension's storage (${this.context.globalStorageUri.toString()}) is not on disk; TensorFlow cannot be set up there.`,
      };
    }
    const aborter = new AbortController();
    const progress = new SetupProgress(this.output, () => aborter.abort(new SetupCancelled()));
    try {
      // The set-up code (with its archive libraries) is a chunk of its own, loaded on first use.
      const { setUpRuntime } = await import(/* webpackChunkName: "setup" */ '../runtime/setup');
      const probe: ProbeRuntime = workerProbe(this.workerPath, (line) => this.output.appendLine(`[set-up check] ${line}`));
      const runtime = await setUpRuntime({
        root: this.root,
        flavor,
        reporter: progress,
        signal: aborter.signal,
        probe,
        bundledAddon: shipsAddon()
          ? path.join(this.context.extensionUri.fsPath, 'dist', 'native', platformId(), 'tfjs_binding.node')
          : undefined,
      });
      return { status: 'done', runtime };
    } catch (e) {
      if (e instanceof SetupCancelled) {
        void vscode.window.showInformationMessage(e.message);
        return { status: 'cancelled', message: e.message };
      }
      const message = e instanceof SetupFailed ? this.failureMessage(e) : `The TensorFlow set-up failed: ${(e as Error).message}`;
      return { status: 'error', message };
    } finally {
      progress.dispose();
    }
  }

  /** What was tried, why each failed, and what the user can do. */
  private failureMessage(e: SetupFailed): string {
    if (e.attempts.length === 0) return e.message;
    const tried = e.attempts.map((a) => `${a.source}: ${a.message}`).join('; ');
    const remedy = setupPlan(e.flavor).includes('pip')
      ? `Connect to the internet, or install TensorFlow for Python (\`pip install ${WHEEL_PACKAGE}\`, or give pip an index that has it), then run "LSTM MNIST: Set Up TensorFlow".`
      : 'Connect to the internet (the binaries come from storage.googleapis.com; TFJS_NODE_CDN_STORAGE names a mirror), then run "LSTM MNIST: Set Up TensorFlow".';
    return `TensorFlow (${e.flavor.toUpperCase()}) could not be set up. Tried ${tried}. ${remedy}`;
  }

  /** An error with a way to the set-up's log, and to the setting or the set-up command. */
  private showFailure(message: string, setting?: string): void {
    const log = 'Show Log';
    const next = setting ? 'Open Settings' : 'Set Up TensorFlow';
    void vscode.window.showErrorMessage(message, log, next).then((choice) => {
      if (choice === log) void this.showLog();
      else if (choice === next) {
        void (setting
          ? vscode.commands.executeCommand('workbench.action.openSettings', setting)
          : vscode.commands.executeCommand('lstmMnist.setUpTensorFlow'));
      }
    });
  }
}
