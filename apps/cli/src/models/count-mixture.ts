import { CsrMatrix, type DenseMatrix, type ExecutionPlan, FormatError, type WorkersOption } from '@em/core';
import { checkFeatureTables, type TopFeature } from '@em/multinomial-mixture';
import { type CommonFitSettings, dataOptions, type EStepSettings, readCommonFitSettings, readEStepSettings, readPriorStrength, sparseEStepOptions, checkSparseEStep } from '../framework/fit-report.js';
import { type FitCallbacks, fitWithProgress, restartsFor } from '../framework/fit-run.js';
import { formatNumber } from '../framework/format.js';
import { type CliIo, memoryBudgetOf } from '../framework/io.js';
import type { OptionDefinitions, OptionValues } from '../framework/options.js';
import { readJsonFile } from '../io/json-file.js';
import { readDataFlags, requireObservations } from '../io/read-data.js';
import { type ColumnsReport, columnsReportOf } from '../io/table.js';
import { resolveWorkersFlag } from './allocation-checks.js';
import { expectLength, isRecord } from './json-shape.js';

// What `em fit multinomial | categorical | bernoulli` share (on @em/multinomial-mixture): flags,
// reading count data, the --init document and the top-features summary.

const INIT_METHODS = ['kmeans++', 'random'] as const;

/** The flags the three count-mixture commands share (each adds its own, then `fitOptions`). */
export const countMixtureOptions = {
  ...dataOptions,
  components: { type: 'value', valueName: 'K', description: 'Number of mixture components.', required: true },
  pseudocount: {
    type: 'value',
    valueName: 'A',
    description: 'Dirichlet pseudocount on each probability vector (prior α = 1 + A; Beta(1 + A, 1 + A) for Bernoulli); 0 = maximum likelihood.',
    defaultText: '0.01',
  },
  'init-method': { type: 'value', valueName: 'METHOD', description: 'kmeans++ | random (ignored with --init).', defaultText: 'kmeans++' },
  ...sparseEStepOptions,
} as const satisfies OptionDefinitions;

export const topOption = {
  top: { type: 'value', valueName: 'N', description: 'Most probable features listed per component in the summary.', defaultText: '10' },
} as const satisfies OptionDefinitions;

/** Count or binary data as read from --data: sparse for .mtx, dense otherwise. */
export interface LoadedCounts {
  readonly matrix: DenseMatrix | CsrMatrix;
  readonly source: string;
  readonly columnNames: readonly string[] | undefined;
  /** Which columns of the file were used and skipped (every column of a .mtx file). */
  readonly columns: ColumnsReport;
}

export async function readCounts(io: CliIo, options: OptionValues): Promise<LoadedCounts> {
  const loaded = await readDataFlags(io, options);
  if (loaded.format === 'mtx') {
    // Every column of a sparse matrix is used: listing 10⁶ indices would say nothing, so name none skipped.
    return { matrix: loaded.matrix, source: loaded.source, columnNames: undefined, columns: { used: 'all', skipped: [] } };
  }
  return { matrix: loaded.table.matrix, source: loaded.table.source, columnNames: loaded.table.columnNames, columns: columnsReportOf(loaded.table) };
}

/** The parsed flags every count-mixture fit reads. */
export interface CountMixtureSettings {
  readonly settings: CommonFitSettings;
  readonly components: number;
  readonly pseudocount: number;
  readonly initMethod: (typeof INIT_METHODS)[number];
  /** `--estep`, `--full-estep-every`, `--sparse-threshold`. */
  readonly estep: EStepSettings;
}

export function readCountMixtureSettings(options: OptionValues): CountMixtureSettings {
  const settings = readCommonFitSettings(options);
  return {
    settings,
    components: options.requiredInteger('components', { min: 1 }),
    pseudocount: readPriorStrength(options, settings, 'pseudocount', 0.01),
    initMethod: options.choice('init-method', INIT_METHODS, 'kmeans++'),
    estep: readEStepSettings(options),
  };
}

/** The estimator options the three models share (restarts: one when starting from --init). */
export function estimatorOptions(common: CountMixtureSettings, startsFromInit: boolean, memoryBudget: number, workers: WorkersOption = common.settings.workers) {
  const { settings } = common;
  return {
    memoryBudget,
    workers,
    components: common.components,
    pseudocount: common.pseudocount,
    init: common.initMethod,
    nInit: restartsFor(settings, startsFromInit),
    seed: settings.seed,
    maxIterations: settings.maxIterations,
    tolerance: settings.tolerance,
    toleranceRule: settings.toleranceRule,
    acceleration: settings.acceleration,
    ...common.estep,
  };
}

/** What a count-mixture fit has read before it builds its model. */
export interface CountFitInput<T> {
  readonly common: CountMixtureSettings;
  readonly data: LoadedCounts;
  /** The --init parameters, shape-checked. */
  readonly init: T | undefined;
  /** The constructor options the three estimators share. */
  readonly estimator: ReturnType<typeof estimatorOptions>;
}

/**
 * Reads the shared flags, the --data file (at least --components rows) and the --init document.
 * `family` (multinomial, Bernoulli) names the K × V tables checked against the budget before --init is read.
 */
export async function readCountFitInput<T>(io: CliIo, options: OptionValues, initShape: Omit<ProbabilityInitShape, 'width'>, family: string): Promise<CountFitInput<T>> {
  const common = readCountMixtureSettings(options);
  checkSparseEStep(common.estep, common.settings.workers, false, options.commandName);
  const data = await readCounts(io, options);
  requireObservations(data.matrix, data.source, common.components);
  if (initShape.depth === 2) checkFeatureTables(data.matrix.cols, common.components, memoryBudgetOf(io), family, data.source);
  const path = common.settings.init;
  const shape = { ...initShape, width: data.matrix.cols };
  const init = path === undefined ? undefined : parseProbabilityInit<T>(await readJsonFile(io, path, '--init'), path, common.components, shape);
  const budget = memoryBudgetOf(io);
  const x = data.matrix;
  const dataBytes = x instanceof CsrMatrix ? x.values.byteLength + x.indices.byteLength + x.indptr.byteLength : x.data.byteLength;
  const workers = resolveWorkersFlag(common.settings.workers, dataBytes, budget, (text) => {
    if (!common.settings.quiet && !common.settings.json) io.stderr(`em: note: ${text}\n`);
  });
  return { common, data, init, estimator: estimatorOptions(common, init !== undefined, budget, workers) };
}

/** What fitCountMixture passes to an estimator's fit: the start (when --init is given) and the progress callbacks. */
export interface CountFitCallOptions<T> extends FitCallbacks {
  readonly initialParameters?: T;
}

/** Fits a count-mixture estimator from --init (when given) with progress and fit events on stderr. */
export function fitCountMixture<X, T, S>(
  io: CliIo,
  input: CountFitInput<T>,
  label: string,
  model: { fitAsync(x: X, options: CountFitCallOptions<T>): Promise<S>; planExecution(x: X): ExecutionPlan },
  x: X,
  logLikelihoodOffset = 0,
): Promise<S> {
  const { init } = input;
  return fitWithProgress(io, input.common.settings, { label, runs: input.estimator.nInit, logLikelihoodOffset, plan: model.planExecution(x) }, (callbacks) =>
    model.fitAsync(x, { ...(init === undefined ? {} : { initialParameters: init }), ...callbacks }),
  );
}

/** The shape of an --init document: `probabilities` nests `depth` levels ([K][V] is 2, [K][J][M_j] is 3). */
export interface ProbabilityInitShape {
  readonly depth: 2 | 3;
  /** The document in words, e.g. `{ "weights": [K], "probabilities": [K][V] }`. */
  readonly example: string;
  /** The data's columns: V (depth 2) or J variables (depth 3), checked against each component's row. */
  readonly width?: number;
}

/**
 * Reads an --init document of weights and probabilities, checking its shape against --components
 * (and the vocabulary size when known); values are checked by the model (sums, ranges).
 */
export function parseProbabilityInit<T>(json: unknown, path: string, components: number, shape: ProbabilityInitShape): T {
  const numbersAt = (value: unknown, level: number): boolean =>
    level === 0 ? typeof value === 'number' : Array.isArray(value) && value.length > 0 && value.every((item) => numbersAt(item, level - 1));
  if (!isRecord(json) || !numbersAt(json['weights'], 1) || !numbersAt(json['probabilities'], shape.depth)) {
    throw new FormatError(`--init file ${path} must hold ${shape.example}.`, 'Write the starting parameters in that shape (probability vectors sum to 1).');
  }
  const weights = json['weights'] as number[];
  const probabilities = json['probabilities'] as unknown[][];
  expectLength(weights.length, components, `--init ${path}: weights has ${weights.length} entries but --components is ${components}`, 'Give one weight per component, or change --components.', 'weights');
  expectLength(probabilities.length, components, `--init ${path}: probabilities has ${probabilities.length} rows but --components is ${components}`, 'Give one row per component.', 'probabilities');
  const width = shape.width;
  if (width !== undefined) {
    probabilities.forEach((row, k) =>
      expectLength(
        row.length,
        width,
        shape.depth === 2
          ? `--init ${path}: probabilities[${k}] has ${row.length} entries but the data has ${width} columns (vocabulary mismatch)`
          : `--init ${path}: probabilities[${k}] has ${row.length} variables but the data has ${width} columns`,
        'Use the same columns (order and size) as the data, or choose them with --columns.',
        'probabilities',
      ),
    );
  }
  return json as T;
}

/** The --init document of the multinomial and Bernoulli mixtures (V checked against the data). */
export const PROBABILITY_TABLE_INIT = { depth: 2, example: '{ "weights": [K], "probabilities": [K][V] }' } as const;

/**
 * The summary of a multinomial or Bernoulli mixture: what was fitted, then one line per component
 * with its weight and its `top` most probable features (named after the CSV header when there is one).
 */
export function describeProbabilityTables(
  title: string,
  input: CountFitInput<unknown>,
  model: { topFeatures(n: number, names?: readonly string[]): TopFeature[][] },
  top: number,
  weights: readonly number[],
): string[] {
  const { data, common } = input;
  return [
    `${title}: K = ${common.components}, pseudocount ${common.pseudocount}, ${data.matrix.rows} rows × ${data.matrix.cols} features (${data.source})`,
    ...topFeatureLines(model.topFeatures(top, data.columnNames), weights),
  ];
}

function topFeatureLines(entries: ReadonlyArray<readonly TopFeature[]>, weights: readonly number[]): string[] {
  return entries.map(
    (features, k) => `component ${k}  weight ${formatNumber(weights[k] as number, 6)}  top: ${features.map((f) => `${f.name ?? f.feature} (${formatNumber(f.probability, 4)})`).join(', ')}`,
  );
}
