import { MODEL_KIND as POISSON_MIXTURE, PoissonMixture } from '@em/poisson-mixture';
import type { Command } from '../framework/command.js';
import { checkSparseEStep, dataOptions, fitOptions, readCommonFitSettings, readEStepSettings, REPORT_FIELDS_HELP, sparseEStepOptions } from '../framework/fit-report.js';
import { fitReportOf, fitWithProgress, publishFit, restartsFor } from '../framework/fit-run.js';
import { formatNumber } from '../framework/format.js';
import { memoryBudgetOf } from '../framework/io.js';
import { requireObservations } from '../io/read-data.js';
import { resolveWorkersFlag } from '../models/allocation-checks.js';
import { readPoissonCounts, readPoissonInit, readRatePrior } from '../models/poisson-mixture.js';
import { streamDecision, streamOptions } from '../framework/stream-fit.js';
import { fitPoissonStreamed } from '../models/poisson-stream.js';

/** Columns listed per component in the summary (all of them with --json). */
const SUMMARY_COLUMNS = 8;

/** `em fit poisson`: mixture of independent Poissons over count rows. */
export const fitPoissonCommand: Command = {
  path: ['fit', 'poisson'],
  summary: 'Fit a mixture of independent Poissons to count data (one rate per component and column).',
  description:
    'Rows are counts (non-negative integers), each column an independent Poisson given the component.\n' +
    'With --json one object:\n' +
    '{ kind, params: { weights [K], rates [K][D] }, logLikelihood, history, logLikelihoodHistory,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic, columns }\n' +
    REPORT_FIELDS_HELP +
    'The log-likelihood includes the −log x! terms. --init takes { "weights": [K], "rates": [K][D] }.',
  options: {
    ...dataOptions,
    components: { type: 'value', valueName: 'K', description: 'Number of mixture components.', required: true },
    'rate-prior': {
      type: 'value',
      valueName: 'SHAPE,RATE',
      description: 'Gamma(SHAPE ≥ 1, RATE > 0) prior on every rate; the M-step is then λ = (Σ w x + SHAPE − 1) / (Σ w + RATE).',
      defaultText: 'none (maximum likelihood)',
    },
    ...fitOptions,
    ...sparseEStepOptions,
    ...streamOptions,
  },
  examples: ['fit poisson --data counts.csv --components 3 --seed 1 --n-init 5', 'fit poisson --data counts.csv --components 2 --rate-prior 2,1 --json --out model.json'],
  async run({ options, io }) {
    const settings = readCommonFitSettings(options);
    const components = options.requiredInteger('components', { min: 1 });
    const ratePrior = readRatePrior(options, settings);
    const estep = readEStepSettings(options);
    const decision = await streamDecision(io, options);
    checkSparseEStep(estep, settings.workers, decision !== undefined, options.commandName);
    if (decision !== undefined) return fitPoissonStreamed(io, options, decision, { settings, components, ratePrior });
    const data = await readPoissonCounts(io, options);
    requireObservations(data.matrix, data.source, components);
    const init = settings.init === undefined ? undefined : await readPoissonInit(io, settings.init, components, data.matrix.cols);
    const runs = restartsFor(settings, init !== undefined);
    const workers = resolveWorkersFlag(settings.workers, data.matrix.data.byteLength, memoryBudgetOf(io), (text) => {
      if (!settings.quiet && !settings.json) io.stderr(`em: note: ${text}\n`);
    });
    const model = new PoissonMixture({
      components,
      workers,
      ...(ratePrior === undefined ? {} : { ratePrior }),
      memoryBudget: memoryBudgetOf(io),
      nInit: runs,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
      toleranceRule: settings.toleranceRule,
      acceleration: settings.acceleration,
      ...estep,
    });
    const summary = await fitWithProgress(io, settings, { label: 'em fit poisson', runs, plan: model.planExecution(data.matrix) }, (callbacks) =>
      model.fitAsync(data.matrix, { ...(init === undefined ? {} : { initialParameters: init }), ...callbacks }),
    );
    const { weights, rates } = summary.parameters;
    const names = data.columnNames;
    const shown = Math.min(SUMMARY_COLUMNS, data.matrix.cols);
    return publishFit(io, settings, {
      report: fitReportOf(POISSON_MIXTURE, { weights: [...weights], rates: rates.map((row) => [...row]) }, summary),
      model: () => model.toJSON(),
      observations: data.matrix.rows,
      columns: data.columns,
      description: [
        `Poisson mixture: K = ${components}, ${ratePrior === undefined ? 'maximum likelihood' : `Gamma(${ratePrior.shape}, ${ratePrior.rate}) prior on the rates`}, ${data.matrix.rows} rows × ${data.matrix.cols} columns (${data.source})`,
        ...rates.map(
          (row, k) =>
            `component ${k}  weight ${formatNumber(weights[k] as number, 6)}  rates: ${row
              .slice(0, shown)
              .map((rate, column) => `${names?.[column] ?? column} ${formatNumber(rate, 4)}`)
              .join(', ')}${row.length > shown ? `, … (${row.length - shown} more; --json lists all)` : ''}`,
        ),
      ],
    });
  },
};
