import { type CsrMatrix, DenseMatrix, FormatError, InvalidDataError } from '@em/core';
import {
  BERNOULLI_MIXTURE,
  BernoulliMixture,
  CATEGORICAL_MIXTURE,
  CategoricalMixture,
  type LatentClassParameters,
  MULTINOMIAL_MIXTURE,
  MultinomialMixture,
  type ProbabilityTableParameters,
} from '@em/multinomial-mixture';
import type { Command, ModelHandler, PredictRequest } from '../framework/command.js';
import { type CommonFitSettings, dataOptions, type FitReport, fitOptions, fitSummaryLines, readCommonFitSettings, saveModel, writeFitReport } from '../framework/fit-report.js';
import { formatNumber, formatVector } from '../framework/format.js';
import type { CliIo } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { createProgress } from '../framework/progress.js';
import { UsageError } from '../framework/usage-error.js';
import { readJsonFile } from '../io/json-file.js';
import { readData } from '../io/read-data.js';

// `em fit multinomial | categorical | bernoulli` and the `em predict` handlers of their models,
// on @em/multinomial-mixture. Conventions follow `em fit gmm` (flags, --json object, --out file).

/** Count or binary data as read from --data: sparse for .mtx, dense otherwise. */
interface LoadedCounts {
  readonly matrix: DenseMatrix | CsrMatrix;
  readonly source: string;
  readonly columnNames: readonly string[] | undefined;
}

async function readCounts(io: CliIo, options: OptionValues): Promise<LoadedCounts> {
  const columns = options.string('columns');
  const loaded = await readData(io, options.requiredString('data'), columns === undefined ? {} : { columns });
  if (loaded.format === 'mtx') return { matrix: loaded.matrix, source: loaded.source, columnNames: undefined };
  return { matrix: loaded.table.matrix, source: loaded.table.source, columnNames: loaded.table.columnNames };
}

function checkShape(matrix: DenseMatrix | CsrMatrix, source: string, components: number): void {
  if (matrix.rows === 0 || matrix.cols === 0) throw new InvalidDataError(`${source} holds no data (${matrix.rows}×${matrix.cols}).`, 'Pass a file with at least one row of numbers.');
  if (components > matrix.rows) {
    throw new InvalidDataError(`--components ${components} is more than the ${matrix.rows} rows of ${source}.`, 'Use at most as many components as observations (far fewer, in practice).', {
      components,
      rows: matrix.rows,
    });
  }
}

/** --pseudocount, reconciled with --prior none (plain maximum likelihood). */
function readPseudocount(options: OptionValues, settings: CommonFitSettings, command: string): number {
  const pseudocount = options.number('pseudocount', { min: 0 }, 0.01);
  if (!settings.plainMaximumLikelihood) return pseudocount;
  if (options.has('pseudocount') && pseudocount > 0) {
    throw new UsageError(`${command}: --prior none means plain maximum likelihood, which contradicts --pseudocount > 0; drop one of them.`);
  }
  return 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Shape-checks an --init document; values are checked by the model (sums, ranges, vocabulary). */
function parseInit<T>(json: unknown, path: string, depth: number, example: string): T {
  const numbersAt = (value: unknown, level: number): boolean =>
    level === 0 ? typeof value === 'number' : Array.isArray(value) && value.length > 0 && value.every((item) => numbersAt(item, level - 1));
  if (!isRecord(json) || !numbersAt(json['weights'], 1) || !numbersAt(json['probabilities'], depth)) {
    throw new FormatError(`--init file ${path} must hold ${example}.`, 'Write the starting parameters in that shape (probability vectors sum to 1).');
  }
  return json as T;
}

const modelOptions = {
  components: { type: 'value', valueName: 'K', description: 'Number of mixture components.', required: true },
  pseudocount: {
    type: 'value',
    valueName: 'A',
    description: 'Dirichlet pseudocount on each probability vector (prior α = 1 + A; Beta(1 + A, 1 + A) for Bernoulli); 0 = maximum likelihood.',
    defaultText: '0.01',
  },
  'init-method': { type: 'value', valueName: 'METHOD', description: 'kmeans++ | random (ignored with --init).', defaultText: 'kmeans++' },
} as const;

const INIT_METHODS = ['kmeans++', 'random'] as const;

const top = { type: 'value', valueName: 'N', description: 'Most probable features listed per component in the summary.', defaultText: '10' } as const;

function topFeatureLines(entries: ReadonlyArray<ReadonlyArray<{ feature: number; name?: string; probability: number }>>, weights: readonly number[]): string[] {
  return entries.map(
    (features, k) =>
      `component ${k}  weight ${formatNumber(weights[k] as number, 6)}  top: ${features.map((f) => `${f.name ?? f.feature} (${formatNumber(f.probability, 4)})`).join(', ')}`,
  );
}

function progressFor(io: CliIo, settings: CommonFitSettings, label: string, restarts: number) {
  const progress = createProgress(io, { enabled: !settings.json && !settings.quiet, label });
  return {
    progress,
    onIteration: (info: { iteration: number; objective: number; change: number; run: number }) =>
      progress.update({ iteration: info.iteration, objective: info.objective, change: info.change, run: info.run, runs: restarts }),
  };
}

/** `em fit multinomial`: mixture of multinomials over count rows (documents × vocabulary). */
export const fitMultinomialCommand: Command = {
  path: ['fit', 'multinomial'],
  summary: 'Fit a mixture of multinomials to count data (e.g. documents × words; sparse .mtx supported).',
  description:
    'Rows are count vectors (non-negative integers; empty rows are allowed and carry no information).\n' +
    'Prints a summary with each component’s most probable features, or with --json one object:\n' +
    '{ kind, params: { weights [K], probabilities [K][V] }, logLikelihood, history, logMultinomialCoefficient,\n' +
    '  logLikelihoodWithoutCoefficient, iterations, converged, stopReason, secondsPerIteration, bic, aic }\n' +
    'logLikelihood, history (objective at θ_0 … θ_n) and bic/aic INCLUDE the multinomial coefficient\n' +
    'Σ log(n_i!/∏ x_iv!), as R mixtools reports; subtract logMultinomialCoefficient for the θ-dependent part.\n' +
    '--init takes { "weights": [K], "probabilities": [K][V] }.',
  options: {
    ...dataOptions,
    ...modelOptions,
    'allow-non-integer': { type: 'flag', description: 'Accept non-integer counts (e.g. tf–idf weights).' },
    top,
    ...fitOptions,
  },
  examples: [
    'fit multinomial --data counts.mtx --components 10 --seed 1',
    'fit multinomial --data counts.csv --components 2 --init start.json --prior none --max-iter 2 --tol 0 --json',
  ],
  async run({ options, io }) {
    const command = 'em fit multinomial';
    const settings = readCommonFitSettings(options);
    const components = options.requiredInteger('components', { min: 1 });
    const pseudocount = readPseudocount(options, settings, command);
    const initMethod = options.choice('init-method', INIT_METHODS, 'kmeans++');
    const topCount = options.integer('top', { min: 0 }, 10);
    const data = await readCounts(io, options);
    checkShape(data.matrix, data.source, components);
    const init =
      settings.init === undefined
        ? undefined
        : parseInit<ProbabilityTableParameters>(await readJsonFile(io, settings.init, '--init'), settings.init, 2, '{ "weights": [K], "probabilities": [K][V] }');
    const model = new MultinomialMixture({
      components,
      pseudocount,
      init: initMethod,
      allowNonInteger: options.flag('allow-non-integer'),
      nInit: init === undefined ? settings.nInit : 1,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
    });
    const { progress, onIteration } = progressFor(io, settings, command, init === undefined ? settings.nInit : 1);
    let summary: ReturnType<MultinomialMixture['fit']>;
    try {
      summary = model.fit(data.matrix, { ...(init === undefined ? {} : { initialParameters: init }), onIteration });
    } finally {
      progress.finish();
    }
    const coefficient = summary.logMultinomialCoefficient;
    const logLikelihood = summary.logLikelihoodWithCoefficient;
    const report: FitReport = {
      kind: MULTINOMIAL_MIXTURE,
      params: summary.parameters,
      logLikelihood,
      history: summary.historyWithCoefficient,
      logMultinomialCoefficient: coefficient,
      logLikelihoodWithoutCoefficient: summary.logLikelihood,
      iterations: summary.iterations,
      converged: summary.converged,
      stopReason: summary.stopReason,
      secondsPerIteration: summary.secondsPerIteration,
      bic: summary.bic - 2 * coefficient,
      aic: summary.aic - 2 * coefficient,
      pseudocount,
    };
    if (settings.out !== undefined) await saveModel(io, settings.out, model.toJSON());
    const { rows, cols } = data.matrix;
    const lines = [
      `Multinomial mixture: K = ${components}, pseudocount ${pseudocount}, ${rows} rows × ${cols} features (${data.source})`,
      ...topFeatureLines(model.topFeatures(topCount, data.columnNames), summary.parameters.weights),
      ...fitSummaryLines(report, rows),
      `(log-likelihood includes the multinomial coefficient ${formatNumber(coefficient, 10)})`,
    ];
    if (settings.out !== undefined) lines.push(`model saved to ${settings.out}`);
    writeFitReport(io, report, settings.json, lines);
    return 0;
  },
};

/** Number of categories per column, inferred as (largest code + 1); invalid codes are left for the model to report. */
function inferCategories(matrix: DenseMatrix): number[] {
  const categories = new Array<number>(matrix.cols).fill(1);
  for (let i = 0; i < matrix.rows; i++) {
    for (let j = 0; j < matrix.cols; j++) {
      const code = matrix.data[i * matrix.cols + j] as number;
      if (Number.isInteger(code) && code >= 0 && code + 1 > (categories[j] as number)) categories[j] = code + 1;
    }
  }
  return categories;
}

/** `em fit categorical`: latent class analysis over integer-coded categorical columns. */
export const fitCategoricalCommand: Command = {
  path: ['fit', 'categorical'],
  summary: 'Fit a latent class model (mixture of categoricals) to integer-coded categorical columns.',
  description:
    'Each column is one categorical variable coded 0 … M_j − 1 (M_j from --categories, or largest code + 1).\n' +
    'With --json one object:\n' +
    '{ kind, params: { weights [K], probabilities [K][J][M_j], categories [J] }, logLikelihood, history,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic }\n' +
    '--init takes { "weights": [K], "probabilities": [K][J][M_j] }.',
  options: {
    ...dataOptions,
    ...modelOptions,
    categories: { type: 'value', valueName: 'LIST', description: 'Categories per column, comma-separated, e.g. 2,3,7.', defaultText: 'largest code + 1' },
    ...fitOptions,
  },
  examples: ['fit categorical --data survey.csv --components 3 --n-init 5 --seed 1', 'fit categorical --data answers.csv --components 2 --categories 2,3,7 --json'],
  async run({ options, io }) {
    const command = 'em fit categorical';
    const settings = readCommonFitSettings(options);
    const components = options.requiredInteger('components', { min: 1 });
    const pseudocount = readPseudocount(options, settings, command);
    const initMethod = options.choice('init-method', INIT_METHODS, 'kmeans++');
    const loaded = await readCounts(io, options);
    const matrix = loaded.matrix instanceof DenseMatrix ? loaded.matrix : loaded.matrix.toDense();
    checkShape(matrix, loaded.source, components);
    const listed = options.string('categories');
    if (listed !== undefined && !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(listed)) throw options.error('categories', `expects one count per column, comma-separated (e.g. 2,3,7), got "${listed}"`);
    const categories = listed === undefined ? inferCategories(matrix) : listed.split(',').map((part) => Number(part.trim()));
    if (categories.length !== matrix.cols) {
      throw options.error('categories', `lists ${categories.length} variables but ${loaded.source} has ${matrix.cols} columns`);
    }
    const init =
      settings.init === undefined
        ? undefined
        : parseInit<LatentClassParameters>(await readJsonFile(io, settings.init, '--init'), settings.init, 3, '{ "weights": [K], "probabilities": [K][J][M_j] }');
    const model = new CategoricalMixture({
      components,
      categories,
      pseudocount,
      init: initMethod,
      nInit: init === undefined ? settings.nInit : 1,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
    });
    const { progress, onIteration } = progressFor(io, settings, command, init === undefined ? settings.nInit : 1);
    let summary: ReturnType<CategoricalMixture['fit']>;
    try {
      summary = model.fit(matrix, { ...(init === undefined ? {} : { initialParameters: init }), onIteration });
    } finally {
      progress.finish();
    }
    const report: FitReport = {
      kind: CATEGORICAL_MIXTURE,
      params: { ...summary.parameters, categories },
      logLikelihood: summary.logLikelihood,
      history: summary.history,
      iterations: summary.iterations,
      converged: summary.converged,
      stopReason: summary.stopReason,
      secondsPerIteration: summary.secondsPerIteration,
      bic: summary.bic,
      aic: summary.aic,
      pseudocount,
    };
    if (settings.out !== undefined) await saveModel(io, settings.out, model.toJSON());
    const names = loaded.columnNames;
    const lines = [
      `Latent class model: K = ${components}, categories [${categories.join(', ')}], ${matrix.rows} rows (${loaded.source})`,
      ...summary.parameters.probabilities.flatMap((perVariable, k) => [
        `class ${k}  weight ${formatNumber(summary.parameters.weights[k] as number, 6)}`,
        ...perVariable.map((p, j) => `  ${names?.[j] ?? `variable ${j}`}: ${formatVector(p, 4)}`),
      ]),
      ...fitSummaryLines(report, matrix.rows),
    ];
    if (settings.out !== undefined) lines.push(`model saved to ${settings.out}`);
    writeFitReport(io, report, settings.json, lines);
    return 0;
  },
};

/** `em fit bernoulli`: mixture of independent Bernoullis over 0/1 rows. */
export const fitBernoulliCommand: Command = {
  path: ['fit', 'bernoulli'],
  summary: 'Fit a mixture of Bernoullis to binary (0/1) data (dense or sparse .mtx).',
  description:
    'With --json one object:\n' +
    '{ kind, params: { weights [K], probabilities [K][V] (P(x_v = 1 | k)) }, logLikelihood, history,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic }\n' +
    '--init takes { "weights": [K], "probabilities": [K][V] }.',
  options: { ...dataOptions, ...modelOptions, top, ...fitOptions },
  examples: ['fit bernoulli --data features.csv --components 4 --seed 2', 'fit bernoulli --data ones.mtx --components 3 --prior none --json'],
  async run({ options, io }) {
    const command = 'em fit bernoulli';
    const settings = readCommonFitSettings(options);
    const components = options.requiredInteger('components', { min: 1 });
    const pseudocount = readPseudocount(options, settings, command);
    const initMethod = options.choice('init-method', INIT_METHODS, 'kmeans++');
    const topCount = options.integer('top', { min: 0 }, 10);
    const data = await readCounts(io, options);
    checkShape(data.matrix, data.source, components);
    const init =
      settings.init === undefined
        ? undefined
        : parseInit<ProbabilityTableParameters>(await readJsonFile(io, settings.init, '--init'), settings.init, 2, '{ "weights": [K], "probabilities": [K][V] }');
    const model = new BernoulliMixture({
      components,
      pseudocount,
      init: initMethod,
      nInit: init === undefined ? settings.nInit : 1,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
    });
    const { progress, onIteration } = progressFor(io, settings, command, init === undefined ? settings.nInit : 1);
    let summary: ReturnType<BernoulliMixture['fit']>;
    try {
      summary = model.fit(data.matrix, { ...(init === undefined ? {} : { initialParameters: init }), onIteration });
    } finally {
      progress.finish();
    }
    const report: FitReport = {
      kind: BERNOULLI_MIXTURE,
      params: summary.parameters,
      logLikelihood: summary.logLikelihood,
      history: summary.history,
      iterations: summary.iterations,
      converged: summary.converged,
      stopReason: summary.stopReason,
      secondsPerIteration: summary.secondsPerIteration,
      bic: summary.bic,
      aic: summary.aic,
      pseudocount,
    };
    if (settings.out !== undefined) await saveModel(io, settings.out, model.toJSON());
    const lines = [
      `Bernoulli mixture: K = ${components}, pseudocount ${pseudocount}, ${data.matrix.rows} rows × ${data.matrix.cols} features (${data.source})`,
      ...topFeatureLines(model.topFeatures(topCount, data.columnNames), summary.parameters.weights),
      ...fitSummaryLines(report, data.matrix.rows),
    ];
    if (settings.out !== undefined) lines.push(`model saved to ${settings.out}`);
    writeFitReport(io, report, settings.json, lines);
    return 0;
  },
};

/** Shared body of the three `em predict` handlers. */
async function predictWith(
  request: PredictRequest,
  model: { predict(x: DenseMatrix | CsrMatrix): Int32Array; predictProba(x: DenseMatrix | CsrMatrix): number[][] },
  densify: boolean,
) {
  const data = await readCounts(request.io, request.options);
  const matrix = densify && !(data.matrix instanceof DenseMatrix) ? data.matrix.toDense() : data.matrix;
  const labels = Array.from(model.predict(matrix));
  return request.probabilities ? { labels, probabilities: model.predictProba(matrix) } : { labels };
}

export const multinomialMixtureHandler: ModelHandler = {
  kind: MULTINOMIAL_MIXTURE,
  description: 'Mixture of multinomials (em fit multinomial): labels are component indices; data .csv/.npy/.mtx counts.',
  predict: (request) => predictWith(request, MultinomialMixture.fromJSON(request.model), false),
};

export const categoricalMixtureHandler: ModelHandler = {
  kind: CATEGORICAL_MIXTURE,
  description: 'Latent class model (em fit categorical): labels are class indices; data are integer codes.',
  predict: (request) => {
    const model = CategoricalMixture.fromJSON(request.model);
    return predictWith(request, { predict: (x) => model.predict(x as DenseMatrix), predictProba: (x) => model.predictProba(x as DenseMatrix) }, true);
  },
};

export const bernoulliMixtureHandler: ModelHandler = {
  kind: BERNOULLI_MIXTURE,
  description: 'Mixture of Bernoullis (em fit bernoulli): labels are component indices; data are 0/1.',
  predict: (request) => predictWith(request, BernoulliMixture.fromJSON(request.model), false),
};

/** The commands and predict handlers this file contributes to the registry. */
export const multinomialMixtureCommands: readonly Command[] = [fitMultinomialCommand, fitCategoricalCommand, fitBernoulliCommand];
export const multinomialMixtureHandlers: readonly ModelHandler[] = [multinomialMixtureHandler, categoricalMixtureHandler, bernoulliMixtureHandler];
