import { InvalidDataError } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { GaussianMixture, type GaussianMixtureFitOptions, type GaussianMixtureFitSummary } from '@em/gaussian-mixture';
import type { Command } from '../framework/command.js';
import { dataOptions, type FitReport, fitOptions, fitSummaryLines, readCommonFitSettings, saveModel, writeFitReport } from '../framework/fit-report.js';
import { createProgress } from '../framework/progress.js';
import { UsageError } from '../framework/usage-error.js';
import { readDenseData } from '../io/read-data.js';
import { readSampleWeights, rejectMissingValues, reportFitEvent } from '../models/fit-support.js';
import { readJsonFile } from '../io/json-file.js';
import { COVARIANCE_TYPE_NAMES, parseGaussianMixtureInit } from '../models/gaussian-mixture-init.js';
import { describeGaussianMixture, type GaussianMixtureParams } from '../models/gaussian-mixture-summary.js';

export const GAUSSIAN_MIXTURE_KIND = 'gaussian-mixture';

const INIT_METHODS = ['kmeans', 'kmeans++', 'random', 'random-points'] as const;

/** `em fit gmm`: fits a Gaussian mixture by EM and prints (or saves) the result. */
export const fitGaussianMixtureCommand: Command = {
  path: ['fit', 'gmm'],
  summary: 'Fit a Gaussian mixture model (full, tied, diagonal or spherical covariances).',
  description:
    'Prints a readable summary (progress on stderr), or with --json one object:\n' +
    '{ kind, params: { weights [K], means [K][D], covariances, covarianceType }, logLikelihood, history,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic }\n' +
    'covariances: full [K][D][D], tied [D][D], diagonal [K][D], spherical [K]. --init takes { weights, means, covariances } in the same shapes.',
  options: {
    ...dataOptions,
    components: { type: 'value', valueName: 'K', description: 'Number of mixture components.', required: true },
    covariance: { type: 'value', valueName: 'TYPE', description: 'full | tied | diagonal | spherical.', defaultText: 'full' },
    'reg-covar': { type: 'value', valueName: 'R', description: 'Covariance floor added to the diagonal (as scikit-learn reg_covar); 0 = none.', defaultText: '1e-6' },
    'init-method': { type: 'value', valueName: 'METHOD', description: 'kmeans | kmeans++ | random | random-points (ignored with --init).', defaultText: 'kmeans' },
    'missing-values': { type: 'flag', description: 'Treat NaN/NA/empty entries as missing and marginalise them (default: reject them).' },
    workers: { type: 'value', valueName: 'N', description: 'Run E-steps on N worker threads (worth it for large data).', defaultText: '1 (in process)' },
    'sample-weights': { type: 'value', valueName: 'FILE', description: 'One non-negative weight per data row (.csv/.npy, one column).' },
    ...fitOptions,
  },
  examples: [
    'fit gmm --data data/faithful.csv --components 2 --covariance full',
    'fit gmm --data data/iris.csv --components 3 --covariance diagonal --n-init 5 --seed 7 --json',
    'fit gmm --data x.npy --components 2 --init start.json --max-iter 3 --tol 0 --prior none --json',
  ],
  async run({ options, io }) {
    const settings = readCommonFitSettings(options);
    const components = options.requiredInteger('components', { min: 1 });
    const covariance = options.choice('covariance', COVARIANCE_TYPE_NAMES, 'full');
    const initMethod = options.choice('init-method', INIT_METHODS, 'kmeans');
    let regCovar = options.number('reg-covar', { min: 0 }, 1e-6);
    if (settings.plainMaximumLikelihood) {
      if (options.has('reg-covar') && regCovar > 0) {
        throw new UsageError('em fit gmm: --prior none means plain maximum likelihood, which contradicts --reg-covar > 0; drop one of them.');
      }
      regCovar = 0;
    }
    const dataPath = options.requiredString('data');
    const columns = options.string('columns');
    const table = await readDenseData(io, dataPath, columns === undefined ? {} : { columns });
    const { rows, cols } = table.matrix;
    if (rows === 0 || cols === 0) throw new InvalidDataError(`${table.source} holds no data (${rows}×${cols}).`, 'Pass a file with at least one row of numbers.');
    if (components > rows) {
      throw new InvalidDataError(`--components ${components} is more than the ${rows} rows of ${table.source}.`, 'Use at most as many components as observations (far fewer, in practice).', {
        components,
        rows,
      });
    }
    const missingValues = options.flag('missing-values');
    if (!missingValues) rejectMissingValues(table);
    const sampleWeights = await readSampleWeights(io, options.string('sample-weights'), rows);
    const init = settings.init === undefined ? undefined : parseGaussianMixtureInit(await readJsonFile(io, settings.init, '--init'), settings.init, components, cols, covariance);

    const model = new GaussianMixture({
      components,
      covariance,
      regCovar,
      init: init ?? initMethod,
      nInit: init === undefined ? settings.nInit : 1,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
      ...(missingValues ? { missingValues: true } : {}),
    });
    const workers = options.integer('workers', { min: 1, max: 256 }, 1);
    const progress = createProgress(io, { enabled: !settings.json && !settings.quiet, label: 'em fit gmm' });
    const fitOptions: GaussianMixtureFitOptions = {
      ...(sampleWeights === undefined ? {} : { sampleWeights }),
      onEvent: (event) => reportFitEvent(io, event),
      onIteration: (info) => progress.update({ iteration: info.iteration, logLikelihood: info.logLikelihood, objective: info.objective, change: info.change, run: info.run, runs: init === undefined ? settings.nInit : 1 }),
    };
    let summary: GaussianMixtureFitSummary;
    try {
      if (workers === 1) summary = model.fit(table.matrix, fitOptions);
      else {
        const executor = createWorkerExecutor({ workerUrl: import.meta.resolve('@em/gaussian-mixture/worker'), workers });
        try {
          summary = await model.fitAsync(table.matrix, { ...fitOptions, executor });
        } finally {
          await executor.close();
        }
      }
    } finally {
      progress.finish();
    }
    const params: GaussianMixtureParams = model.parameters;
    const report: FitReport = {
      kind: GAUSSIAN_MIXTURE_KIND,
      params: model.parameters,
      logLikelihood: summary.logLikelihood,
      history: summary.history,
      iterations: summary.iterations,
      converged: summary.converged,
      stopReason: summary.stopReason,
      secondsPerIteration: summary.secondsPerIteration,
      bic: summary.bic,
      aic: summary.aic,
    };
    if (settings.out !== undefined) await saveModel(io, settings.out, model.toJSON());
    const lines = [
      `Gaussian mixture: K = ${components}, ${covariance} covariance, ${rows} observations × ${cols} columns (${table.source})`,
      ...describeGaussianMixture(params, table),
      ...fitSummaryLines(report, rows),
    ];
    if (settings.out !== undefined) lines.push(`model saved to ${settings.out}`);
    writeFitReport(io, report, settings.json, lines);
    return 0;
  },
};
