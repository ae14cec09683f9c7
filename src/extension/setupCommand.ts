// "LSTM MNIST: Set Up TensorFlow": sets up (or, when it is there, offers to set up again) the
// native runtime the `lstmMnist.device` setting needs. Train and Evaluate do the same on first use.
import type { SetupResult } from './tensorflowRuntime';
import type { CommandDeps } from './commandDeps';
import { readDevice } from './settings';
import { settingsOf, untrustedMessage, workspaceFolder } from './workspace';

export async function setUpTensorflow(deps: CommandDeps): Promise<SetupResult> {
  if (deps.runner.running) return { status: 'error', message: 'A job is running; set TensorFlow up again once it has ended.' };
  const untrusted = untrustedMessage('Setting up TensorFlow');
  if (untrusted) return { status: 'error', message: untrusted };
  return deps.runtime.setUpCommand(readDevice(settingsOf(workspaceFolder())));
}
