import { GaussianMixture, type GaussianMixtureFitOptions } from '@em/gaussian-mixture';
import type { Command } from '../framework/command.js';
import type { OptionDefinitions } from '../framework/options.js';
import { checkSparseEStep, dataOptions, fitOptions, readCommonFitSettings, readEStepSettings, readPriorStrength, REPORT_FIELDS_HELP, sparseEStepOptions } from '../framework/fit-report.js';
import { fitReportOf, fitWithProgress, publishFit, restartsFor } from '../framework/fit-run.js';
import { readJsonFile } from '../io/json-file.js';
import { readDenseDataFlags, requireObservations } from '../io/read-data.js';
import { readSampleWeights, rejectMissingValues } from '../models/fit-support.js';
import { memoryBudgetOf } from '../framework/io.js';
import { columnsReportOf } from '../io/table.js';
import { checkGaussianMixtureSize, resolveWorkersFlag } from '../models/allocation-checks.js';
import { COVARIANCE_MODEL_HELP, parseGaussianMixtureInit, readCovarianceChoice } from '../models/gaussian-mixture-init.js';
import { describeGaussianMixture, type GaussianMixtureParams } from '../models/gaussian-mixture-summary.js';
import { streamDecision, streamOptions } from '../framework/stream-fit.js';
import { fitGaussianMixtureStreamed } from '../models/gaussian-mixture-stream.js';

export const GAUSSIAN_MIXTURE_KIND = 'gaussian-mixture';

export const INIT_METHODS = ['kmeans', 'kmeans++', 'random', 'random-points', 'hc'] as const;

/** Flags `em fit gmm` shares with `em select gmm`. */
export const gaussianMixtureFlags = {
  'reg-covar': {
    type: 'value',
    valueName: 'R',
    description:
      'Strength λ of a prior on the covariances (Wishart on the precisions): each covariance becomes (scatter + λ·I) / n_k, ' +
      'so the ridge shrinks as a component gains weight. Not scikit-learn\'s reg_covar, which adds λ·I after every update ' +
      '(the two agree only at 0; to reproduce scikit-learn, compare with --reg-covar 0 and its reg_covar=0). 0 = plain maximum likelihood.',
    defaultText: '1e-6',
  },
  'missing-values': { type: 'flag', description: 'Treat NaN/NA/empty entries as missing and marginalise them (default: reject them).' },
} as const satisfies OptionDefinitions;

/** `em fit gmm`: fits a Gaussian mixture by EM and prints (or saves) the result. */
export const fitGaussianMixtureCommand: Command = {
  path: ['fit', 'gmm'],
  summary: "Fit a Gaussian mixture model (mclust's fourteen covariance models; full, tied, diagonal, spherical).",
  description:
    'Prints a readable summary (progress on stderr), or with --json one object:\n' +
    '{ kind, params: { weights [K], means [K][D], covariances, covarianceType }, logLikelihood, history, logLikelihoodHistory,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic, columns }\n' +
    REPORT_FIELDS_HELP +
    'covariances as stored: [K][D][D] for full and the models with an orientation, tied/EEE [D][D], diagonal and the *I models [K][D],\n' +
    'spherical/EII/VII [K]; params.decomposition gives each component\'s volume, shape, orientation and covariance.\n' +
    '--init takes { weights, means, covariances } in the same shapes, or K full [K][D][D] matrices for every model (checked against its constraint).',
  options: {
    ...dataOptions,
    components: { type: 'value', valueName: 'K', description: 'Number of mixture components.', required: true },
    covariance: { type: 'value', valueName: 'MODEL', description: `${COVARIANCE_MODEL_HELP}.`, defaultText: 'full' },
    'reg-covar': gaussianMixtureFlags['reg-covar'],
    'init-method': { type: 'value', valueName: 'METHOD', description: "kmeans | kmeans++ | random | random-points | hc (mclust's hierarchical start; ignored with --init).", defaultText: 'kmeans' },
    'missing-values': gaussianMixtureFlags['missing-values'],
    'sample-weights': { type: 'value', valueName: 'FILE', description: 'One non-negative weight per data row (.csv/.npy, one column).' },
    ...fitOptions,
    ...sparseEStepOptions,
    ...streamOptions,
  },
  examples: [
    'fit gmm --data data/faithful.csv --components 2 --covariance full',
    'fit gmm --data data/iris.csv --components 2 --covariance VEV',
    'fit gmm --data data/iris.csv --components 3 --covariance diagonal --n-init 5 --seed 7 --json',
    'fit gmm --data x.npy --components 2 --init start.json --max-iter 3 --tol 0 --prior none --json',
    'fit gmm --data big.npy --components 5 --stream --memory-budget 256MiB --max-iter 50',
    'fit gmm --data many-clusters.csv --components 50 --estep sparse',
  ],
  async run({ options, io }) {
    const settings = readCommonFitSettings(options);
    const components = options.requiredInteger('components', { min: 1 });
    const choice = readCovarianceChoice(options, 'covariance', 'full');
    const covariance = choice.storage;
    const initMethod = options.choice('init-method', INIT_METHODS, 'kmeans');
    const regCovar = readPriorStrength(options, settings, 'reg-covar', 1e-6);
    const estep = readEStepSettings(options);
    const decision = await streamDecision(io, options);
    checkSparseEStep(estep, settings.workers, decision !== undefined, options.commandName);
    if (decision !== undefined) return fitGaussianMixtureStreamed(io, options, decision, { settings, components, choice, initMethod, regCovar });
    const table = await readDenseDataFlags(io, options);
    const { rows, cols } = table.matrix;
    requireObservations(table.matrix, table.source, components);
    const budget = memoryBudgetOf(io);
    checkGaussianMixtureSize(rows, cols, components, covariance, budget);
    // Checked before any thread starts (a worker pool is not cheap to start and stop).
    const workers = resolveWorkersFlag(settings.workers, table.matrix.data.byteLength, budget, (text) => {
      if (!settings.quiet) io.stderr(`em: note: ${text}\n`);
    });
    const missingValues = options.flag('missing-values');
    if (!missingValues) rejectMissingValues(table);
    const sampleWeights = await readSampleWeights(io, options.string('sample-weights'), rows);
    const init = settings.init === undefined ? undefined : parseGaussianMixtureInit(await readJsonFile(io, settings.init, '--init'), settings.init, components, cols, covariance, true);
    const runs = restartsFor(settings, init !== undefined);
    const model = new GaussianMixture({
      components,
      covariance: choice.model,
      regCovar,
      init: init ?? initMethod,
      nInit: runs,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
      toleranceRule: settings.toleranceRule,
      acceleration: settings.acceleration,
      ...estep,
      memoryBudget: budget,
      workers,
      ...(missingValues ? { missingValues: true } : {}),
    });
    const weights: GaussianMixtureFitOptions = sampleWeights === undefined ? {} : { sampleWeights };
    const plan = model.planExecution(table.matrix, weights);
    const summary = await fitWithProgress(io, settings, { label: 'em fit gmm', runs, plan }, (callbacks) => model.fitAsync(table.matrix, { ...weights, ...callbacks }));
    const params: GaussianMixtureParams = model.parameters;
    return publishFit(io, settings, {
      report: fitReportOf(GAUSSIAN_MIXTURE_KIND, model.parameters, summary),
      model: () => model.toJSON(),
      observations: rows,
      columns: columnsReportOf(table),
      description: [`Gaussian mixture: K = ${components}, ${choice.name} covariance, ${rows} observations × ${cols} columns (${table.source})`, ...describeGaussianMixture(params, table)],
    });
  },
};
