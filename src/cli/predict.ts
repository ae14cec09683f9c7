// `npm run predict -- <checkpoint> --index I | --image FILE`: the checkpoint is opened for
// inspection in the training process (as the panel's row-by-row view does), asked one question,
// and closed. Prints the prediction and the class probabilities after each row is read.
import * as fs from 'node:fs';
import { toBase64 } from '../protocol/binary';
import type { InspectRequest, InspectResult } from '../protocol/inspection';
import type { TrainingEvent } from '../protocol/training';
import type { Command } from './args';
import { Interrupts, startCliWorker } from './cliWorker';
import { predictionReport, predictionRecord, TextReporter } from './report';

export async function predict(command: Extract<Command, { kind: 'predict' }>): Promise<number> {
  const { input, output } = command;
  const reporter = new TextReporter(process.stdout, process.stderr);
  let request: InspectRequest;
  let source: string;
  if ('index' in input) {
    request = { kind: 'rows', index: input.index };
    source = `test image ${input.index}`;
  } else {
    try {
      request = { kind: 'classifyFile', file: toBase64(fs.readFileSync(input.image)) };
    } catch (e) {
      reporter.note(`error: ${input.image}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      return 1;
    }
    source = input.image;
  }
  let answer: { result?: InspectResult; error?: string } | undefined;
  const job = startCliWorker(
    { type: 'inspect', subject: command.subject },
    output,
    reporter,
    (e: TrainingEvent) => {
      if (e.type === 'inspecting') {
        job.send({ type: 'inspectRequest', id: 1, request });
      } else if (e.type === 'inspected') {
        answer = e;
        job.cancel();
      } else if (e.type === 'error' || e.type === 'warning') {
        reporter.handle(e);
      }
    },
    new Interrupts(reporter, 'stopping'),
  );
  const final = await job.finished;
  if (answer?.error !== undefined) reporter.note(`error: ${answer.error}`);
  const result = answer?.result;
  if (result?.kind !== 'rows') return final.type === 'cancelled' && !answer ? 130 : 1;
  const text = output.json ? JSON.stringify(predictionRecord(result, source)) : predictionReport(result, source);
  process.stdout.write(`${text}\n`);
  return 0;
}
