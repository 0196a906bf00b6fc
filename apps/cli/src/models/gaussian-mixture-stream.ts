import { DenseMatrix, planStream } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { GaussianMixture, type InitializationMethod } from '@em/gaussian-mixture';
import type { CommonFitSettings } from '../framework/fit-report.js';
import { restartsFor } from '../framework/fit-run.js';
import { type CliIo, memoryBudgetOf } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { denseSource, openStreamSource, publishStreamedFit, runStreamedFit, type StreamDecision } from '../framework/stream-fit.js';
import { UsageError } from '../framework/usage-error.js';
import { readJsonFile } from '../io/json-file.js';
import { checkGaussianMixtureSize } from './allocation-checks.js';
import { parseGaussianMixtureInit, type readCovarianceChoice } from './gaussian-mixture-init.js';
import { describeGaussianMixture, type GaussianMixtureParams } from './gaussian-mixture-summary.js';

/** The `em fit gmm` flags read before the data. */
export interface GaussianMixtureFlags {
  readonly settings: CommonFitSettings;
  readonly components: number;
  readonly choice: ReturnType<typeof readCovarianceChoice>;
  readonly initMethod: InitializationMethod;
  readonly regCovar: number;
}

/** `em fit gmm` over a stream: the data is read in blocks, once per EM iteration (fitStream). */
export async function fitGaussianMixtureStreamed(io: CliIo, options: OptionValues, decision: StreamDecision, flags: GaussianMixtureFlags): Promise<number> {
  const { settings, components, choice, initMethod, regCovar } = flags;
  const covariance = choice.storage;
  if (options.has('sample-weights')) throw new UsageError(`em fit gmm: --sample-weights is not available for streamed fits (${decision.reason}); drop it, or load the data with a larger --memory-budget.`);
  // An explicit --workers N > 1 runs the blocks' E-steps on N threads while this one reads; auto streams in process.
  const workers = settings.workers;
  if (workers !== 'auto' && workers > 1 && decision.stepwise) throw new UsageError('em fit gmm: --stepwise updates after every block in this thread; drop --workers.');
  const opened = await openStreamSource(io, options, decision);
  try {
    const source = denseSource(opened);
    const budget = memoryBudgetOf(io);
    // The per-row tables are a block's, not the data's.
    checkGaussianMixtureSize(planStream(source.columns, { memoryBudget: budget }).blockRows, source.columns, components, covariance, budget);
    const init = settings.init === undefined ? undefined : parseGaussianMixtureInit(await readJsonFile(io, settings.init, '--init'), settings.init, components, source.columns, covariance, true);
    const missingValues = options.flag('missing-values');
    const model = new GaussianMixture({
      components,
      covariance: choice.model,
      regCovar,
      init: init ?? initMethod,
      nInit: restartsFor(settings, init !== undefined),
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
      toleranceRule: settings.toleranceRule,
      acceleration: settings.acceleration,
      memoryBudget: budget,
      ...(missingValues ? { missingValues: true } : {}),
    });
    if (init !== undefined) model.setParameters(init);
    const executor = workers !== 'auto' && workers > 1 ? createWorkerExecutor({ workerUrl: import.meta.resolve('@em/gaussian-mixture/worker'), workers, memoryBudget: budget, start: 'first-task' }) : undefined;
    let fit;
    try {
      fit = await runStreamedFit(io, options, settings, 'em fit gmm', decision, model, source, init === undefined ? undefined : model.modelParameters, executor);
    } finally {
      await executor?.close();
    }
    const params: GaussianMixtureParams = model.parameters;
    return await publishStreamedFit(io, settings, fit, {
      kind: 'gaussian-mixture',
      params: model.parameters,
      model: () => model.toJSON(),
      description: [
        `Gaussian mixture: K = ${components}, ${choice.name} covariance, ${source.columns} columns, streamed (${source.description})`,
        ...describeGaussianMixture(params, { matrix: new DenseMatrix(new Float64Array(0), 0, source.columns), source: source.description, ...(source.columnNames === undefined ? {} : { columnNames: source.columnNames }) }),
      ],
    });
  } finally {
    await opened.close();
  }
}
