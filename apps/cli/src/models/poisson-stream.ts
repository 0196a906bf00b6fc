import { PoissonMixture, MODEL_KIND as POISSON_MIXTURE } from '@em/poisson-mixture';
import type { CommonFitSettings } from '../framework/fit-report.js';
import { restartsFor } from '../framework/fit-run.js';
import { formatNumber } from '../framework/format.js';
import { type CliIo, memoryBudgetOf } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { denseSource, openStreamSource, publishStreamedFit, runStreamedFit, type StreamDecision } from '../framework/stream-fit.js';
import { UsageError } from '../framework/usage-error.js';
import { readPoissonInit } from './poisson-mixture.js';

/** `em fit poisson` over a stream: the data is read in blocks, once per EM iteration (fitStream). */
export async function fitPoissonStreamed(
  io: CliIo,
  options: OptionValues,
  decision: StreamDecision,
  flags: { readonly settings: CommonFitSettings; readonly components: number; readonly ratePrior: { readonly shape: number; readonly rate: number } | undefined },
): Promise<number> {
  const { settings, components, ratePrior } = flags;
  if (options.has('workers')) throw new UsageError(`em fit poisson: --workers is not available for streamed fits (${decision.reason}); drop it.`);
  const opened = await openStreamSource(io, options, decision);
  try {
    const source = denseSource(opened);
    const init = settings.init === undefined ? undefined : await readPoissonInit(io, settings.init, components, source.columns);
    const model = new PoissonMixture({
      components,
      ...(ratePrior === undefined ? {} : { ratePrior }),
      memoryBudget: memoryBudgetOf(io),
      nInit: restartsFor(settings, init !== undefined),
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
      toleranceRule: settings.toleranceRule,
      acceleration: settings.acceleration,
    });
    if (init !== undefined) model.setParameters(init);
    const fit = await runStreamedFit(io, options, settings, 'em fit poisson', decision, model, source, init === undefined ? undefined : model.modelParameters);
    const { weights, rates } = model.parameters;
    return await publishStreamedFit(io, settings, fit, {
      kind: POISSON_MIXTURE,
      params: { weights: [...weights], rates: rates.map((row) => [...row]) },
      model: () => model.toJSON(),
      description: [
        `Poisson mixture: K = ${components}, ${ratePrior === undefined ? 'maximum likelihood' : `Gamma(${ratePrior.shape}, ${ratePrior.rate}) prior on the rates`}, ${source.columns} columns, streamed (${source.description})`,
        ...rates.map((row, k) => `component ${k}  weight ${formatNumber(weights[k] as number, 6)}  rates: ${row.map((rate, column) => `${source.columnNames?.[column] ?? column} ${formatNumber(rate, 4)}`).join(', ')}`),
      ],
    });
  } finally {
    await opened.close();
  }
}
