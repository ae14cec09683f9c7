// The portable path's training step: the batch's gradient from the kernels' threads (portableModel.ts),
// then Adam on the flat weights in JS (the scheduled path's fallback Adam, so the two paths' states
// are one format). The model's variables are brought up to date only when they are read.
import type { AdamState, ModelSpec } from '../../protocol/checkpointFormat';
import type { EvaluationResult } from '../../protocol/training';
import type { Split } from '../data/dataset';
import { setParamValues } from '../model/checkpointParams';
import { type ModelParams, paramList } from '../model/recurrentModel';
import type { Tf } from '../native/backend';
import { adamEpsilon } from '../optim/adamState';
import { ArrayAdam } from '../optim/arrayAdam';
import { clipArrayByGlobalNorm } from '../optim/clipping';
import type { StepResult, StepRunner } from './stepRunners';
import { evaluatePortable } from './portableEvaluation';
import { PortableModel } from '../portable/portableModel';
import { type Dropout, dropoutMasks } from '../model/dropout';

export class PortableSteps implements StepRunner {
  readonly model: PortableModel;
  private readonly adam: ArrayAdam;

  constructor(
    private readonly tf: Tf,
    private readonly params: ModelParams,
    spec: ModelSpec,
    images: { train: Split; test: Split },
    learningRate: number,
    { threads, batchSize }: { threads: number; batchSize: number },
    adam?: AdamState,
    /** Clip each step's gradient to this global norm (undefined: never). */
    private readonly clipNorm?: number,
    /** Drop each layer's inputs (undefined: never); the masks are every path's own. */
    private readonly dropout?: Dropout,
  ) {
    this.model = new PortableModel(spec, images, { threads, batchSize, inputs: 0, dropout: dropout !== undefined });
    this.model.params.set(this.model.layout.join(paramList(params).map((v) => v.dataSync() as Float32Array)));
    this.adam = new ArrayAdam(this.model.params, learningRate, adamEpsilon(tf), adam);
  }

  async step(indices: Int32Array): Promise<StepResult> {
    const masks = this.dropout && dropoutMasks(this.model.spec, indices.length, this.dropout, this.adam.step + 1);
    const { grad, lossSum, correct } = await this.model.gradient(indices, masks);
    const gradNorm = this.clipNorm === undefined ? undefined : clipArrayByGlobalNorm(grad, this.clipNorm);
    this.adam.apply(grad);
    return { lossSum, correct, ...(gradNorm === undefined ? {} : { gradNorm }) };
  }

  syncParams(): void {
    setParamValues(this.tf, this.params, this.model.layout.split(this.model.params));
  }

  async evaluateTest(isCancelled: () => boolean): Promise<EvaluationResult> {
    return (await evaluatePortable(this.model, false, isCancelled)).result;
  }

  optimizerState(): AdamState {
    return this.adam.snapshot();
  }

  setLearningRate(rate: number): void {
    this.adam.learningRate = rate;
  }

  dispose(): void {
    void this.model.dispose();
  }
}
