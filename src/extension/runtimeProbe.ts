// The set-up's check of a runtime folder (src/runtime/setup.ts's ProbeRuntime): the training
// process started on that folder, asked to run one tiny training step. A runtime that cannot
// is never moved into place. Free of `vscode`, like the worker client it uses.
import { RUNTIME_ENV } from '../protocol/runtime';
import type { ProbeRuntime } from '../runtime/setup';
import { startWorker } from '../client/workerClient';

/** A check that forks `workerPath` on the runtime; `onLog` gets what the process prints. */
export function workerProbe(workerPath: string, onLog: (line: string) => void): ProbeRuntime {
  return (dir, signal) =>
    new Promise((resolve, reject) => {
      signal.throwIfAborted();
      const job = startWorker(
        { type: 'probe' },
        {
          workerPath,
          cwd: dir,
          env: { [RUNTIME_ENV]: dir },
          onEvent: () => undefined,
          onLog: (line) => onLog(line),
        },
      );
      const abort = (): void => job.kill();
      signal.addEventListener('abort', abort, { once: true });
      void job.finished.then((final) => {
        signal.removeEventListener('abort', abort);
        if (signal.aborted) reject(signal.reason);
        else if (final.type === 'probed') resolve({ tensorflow: final.tensorflow, gpu: final.gpu, loaded: final.loaded });
        else reject(new Error(`TensorFlow did not load from it: ${final.type === 'error' ? final.message : final.type}`));
      });
    });
}
