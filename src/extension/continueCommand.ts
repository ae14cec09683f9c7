// Continue Training…: a checkpoint's run trained for more epochs from its weights and Adam's
// state, saved as a new checkpoint (the old one stays as it was). Asks how many epochs, unless
// the caller says (`{ epochs: N }`, for automation and tests).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readCheckpointMeta } from '../checkpoint/read';
import { trainedEpochs } from '../protocol/checkpointFormat';
import { numberProblem, numberRule } from '../protocol/runOptions';
import type { TrainResult } from './api';
import { checkpointPathFrom, goneCheckpoints } from './checkpointCommands';
import type { CommandDeps } from './commandDeps';
import { startTraining } from './trainCommand';
import { settingsOf, workspaceFolder } from './workspace';

export async function continueTraining(deps: CommandDeps, arg: unknown, options: unknown): Promise<TrainResult> {
  const checkpoint = checkpointPathFrom(arg);
  if (!checkpoint) {
    const message = 'Continue Training needs a checkpoint: run it from a checkpoint in the Checkpoints view.';
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  }
  const gone = await goneCheckpoints([checkpoint], deps.refreshCheckpoints);
  if (gone) return { status: 'error', message: gone };
  let done: number;
  try {
    done = trainedEpochs(await readCheckpointMeta(checkpoint)).length;
  } catch (e) {
    const message = `Cannot continue ${checkpoint}: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  }
  const given = (options as { epochs?: unknown } | undefined)?.epochs;
  const epochs = given === undefined ? await askEpochs(path.basename(checkpoint), done) : given;
  if (epochs === undefined) return { status: 'cancelled' };
  const problem = numberProblem(numberRule('epochs'), epochs);
  if (problem) return { status: 'error', message: `The number of epochs ${problem}.` };
  return (await startTraining(deps, { resume: checkpoint, epochs: epochs as number })).result;
}

async function askEpochs(name: string, done: number): Promise<number | undefined> {
  const rule = numberRule('epochs');
  const setting = settingsOf(workspaceFolder())(rule.setting);
  const answer = await vscode.window.showInputBox({
    title: `Continue Training ${name}`,
    prompt: `Epochs to train after its ${done === 1 ? 'first epoch' : `${done} epochs`}, from its weights and Adam's state`,
    value: String(typeof setting === 'number' ? setting : rule.default),
    validateInput: (text) => {
      const problem = numberProblem(rule, Number(text.trim() || Number.NaN));
      return problem ? `The number of epochs ${problem.replace(/ \(it is .*\)$/, '')}` : undefined;
    },
  });
  return answer === undefined ? undefined : Number(answer.trim());
}
