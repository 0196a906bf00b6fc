import type { EmModel, EStepResult } from '../contract.js';
import type { Statistics } from '../statistics/algebra.js';

/**
 * Where E-steps run. The fit loops hand an executor a model, parameters and data chunks and get
 * one result per chunk back; results are reduced with the statistics `add`.
 */
export interface EStepExecutor {
  /** How many chunks it can work on at once (the default chunk count of a fit). */
  readonly concurrency: number;
  run<P, D, S extends Statistics>(model: EmModel<P, D, S>, parameters: P, chunks: readonly D[]): Promise<EStepResult<S>[]>;
  /** Releases threads; the executor cannot be used afterwards. */
  close(): Promise<void>;
}

/** The default executor: E-steps run one after another in this thread. */
export class InProcessExecutor implements EStepExecutor {
  readonly concurrency = 1;

  run<P, D, S extends Statistics>(model: EmModel<P, D, S>, parameters: P, chunks: readonly D[]): Promise<EStepResult<S>[]> {
    return Promise.resolve(chunks.map((chunk) => model.eStep(parameters, chunk)));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
