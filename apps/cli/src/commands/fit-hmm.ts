import { type DenseMatrix, FormatError, InvalidDataError, InvalidParametersError, type JsonValue } from '@em/core';
import { type EmissionSpec, HiddenMarkovModel, type HmmInit, type HmmParametersJson } from '@em/hmm';
import type { Command } from '../framework/command.js';
import type { CliIo } from '../framework/io.js';
import { dataOptions, type FitReport, fitOptions, fitSummaryLines, readCommonFitSettings, saveModel, writeFitReport } from '../framework/fit-report.js';
import { formatNumber } from '../framework/format.js';
import { createProgress } from '../framework/progress.js';
import { UsageError } from '../framework/usage-error.js';
import { readDenseData } from '../io/read-data.js';
import { readJsonFile } from '../io/json-file.js';
import { COVARIANCE_TYPE_NAMES, type CovarianceTypeName, covarianceShapeText } from '../models/gaussian-mixture-init.js';

export const HMM_KIND = 'hmm';

const EMISSION_TYPES = ['categorical', 'gaussian', 'gmm'] as const;
type EmissionType = (typeof EMISSION_TYPES)[number];

/** Reads `--lengths FILE` (integer .npy or CSV, one length per row or all in one row). */
export async function readLengths(io: CliIo, path: string | undefined, rows: number): Promise<number[] | undefined> {
  if (path === undefined) return undefined;
  const table = await readDenseData(io, path, { flag: '--lengths' });
  const lengths = Array.from(table.matrix.data);
  lengths.forEach((length, s) => {
    if (!Number.isInteger(length) || length < 1) {
      throw new InvalidDataError(`--lengths ${table.source}: entry ${s} is ${length}; every sequence needs an integer length ≥ 1.`, 'Remove empty sequences and write lengths as whole numbers.', {
        sequence: s,
      });
    }
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total !== rows) {
    throw new InvalidDataError(`--lengths ${table.source} sums to ${total} but the data has ${rows} rows.`, 'Make the lengths add up to the number of data rows (omit --lengths for one sequence).', {
      lengthsSum: total,
      rows,
    });
  }
  return lengths;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function numbers(value: unknown, label: string, remedy: string): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) throw new FormatError(`${label} must be an array of numbers.`, remedy);
  return value as number[];
}

function rows(value: unknown, label: string, remedy: string): number[][] {
  if (!Array.isArray(value)) throw new FormatError(`${label} must be an array of arrays of numbers.`, remedy);
  return value.map((row, i) => numbers(row, `${label}[${i}]`, remedy));
}

function shapeCheck(actual: number, expected: number, problem: string, remedy: string, parameter: string): void {
  if (actual !== expected) throw new InvalidParametersError(`${problem}.`, remedy, { parameter });
}

/** Gaussian covariances given in the CLI shape → the flat array of the Gaussian family. */
function flatCovariances(raw: unknown, type: CovarianceTypeName, k: number, d: number, label: string, remedy: string): number[] {
  switch (type) {
    case 'spherical': {
      const v = numbers(raw, label, remedy);
      shapeCheck(v.length, k, `${label} has ${v.length} entries but K = ${k}`, remedy, 'covariances');
      return v;
    }
    case 'diagonal': {
      const r = rows(raw, label, remedy);
      shapeCheck(r.length, k, `${label} has ${r.length} rows but K = ${k}`, remedy, 'covariances');
      r.forEach((row, i) => shapeCheck(row.length, d, `${label}[${i}] has ${row.length} variances but the data has D = ${d} columns`, remedy, 'covariances'));
      return r.flat();
    }
    case 'tied': {
      const r = rows(raw, label, remedy);
      shapeCheck(r.length, d, `${label} has ${r.length} rows but D = ${d}`, remedy, 'covariances');
      r.forEach((row, i) => shapeCheck(row.length, d, `${label}[${i}] has ${row.length} entries but D = ${d}`, remedy, 'covariances'));
      return r.flat();
    }
    case 'full': {
      if (!Array.isArray(raw)) throw new FormatError(`${label} must be [K][D][D] numbers.`, remedy);
      shapeCheck(raw.length, k, `${label} has ${raw.length} matrices but K = ${k}`, remedy, 'covariances');
      return raw.flatMap((matrix, i) => {
        const r = rows(matrix, `${label}[${i}]`, remedy);
        shapeCheck(r.length, d, `${label}[${i}] has ${r.length} rows but the data has D = ${d} columns`, remedy, 'covariances');
        r.forEach((row, j) => shapeCheck(row.length, d, `${label}[${i}][${j}] has ${row.length} entries but D = ${d}`, remedy, 'covariances'));
        return r.flat();
      });
    }
  }
}

/** The Gaussian family's flat covariances → the CLI shape. */
function nestedCovariances(flat: readonly number[], type: CovarianceTypeName, k: number, d: number): JsonValue {
  const chunk = (values: readonly number[], size: number): number[][] => Array.from({ length: values.length / size }, (_, i) => values.slice(i * size, (i + 1) * size));
  switch (type) {
    case 'spherical':
      return [...flat];
    case 'diagonal':
    case 'tied':
      return chunk(flat, d);
    case 'full':
      return chunk(flat, d * d).map((matrix) => chunk(matrix, d)).slice(0, k);
  }
}

/**
 * Parses an `--init` document: { startProbabilities [K], transitionMatrix [K][K], emission:
 * { type: 'categorical', probabilities [K][M] } | { type: 'gaussian', covarianceType, means [K][D], covariances } }.
 */
export function parseHmmInit(json: unknown, source: string, k: number, emission: EmissionType, data: DenseMatrix, covariance: CovarianceTypeName): HmmInit {
  const remedy =
    emission === 'categorical'
      ? 'Expected { "startProbabilities": [K], "transitionMatrix": [K][K], "emission": { "type": "categorical", "probabilities": [K][M] } }.'
      : `Expected { "startProbabilities": [K], "transitionMatrix": [K][K], "emission": { "type": "gaussian", "covarianceType": "${covariance}", "means": [K][D], "covariances": ${covarianceShapeText(covariance)} } }.`;
  if (!isRecord(json)) throw new FormatError(`--init ${source} must hold a JSON object.`, remedy);
  const init: { -readonly [key in keyof HmmInit]: HmmInit[key] } = {};
  if (json['startProbabilities'] !== undefined) {
    const start = numbers(json['startProbabilities'], `--init ${source}: startProbabilities`, remedy);
    shapeCheck(start.length, k, `--init ${source}: startProbabilities has ${start.length} entries but --states is ${k}`, 'Give one start probability per state.', 'startProbabilities');
    init.startProbabilities = start;
  }
  if (json['transitionMatrix'] !== undefined) {
    const matrix = rows(json['transitionMatrix'], `--init ${source}: transitionMatrix`, remedy);
    shapeCheck(matrix.length, k, `--init ${source}: transitionMatrix has ${matrix.length} rows but --states is ${k}`, 'Give a K×K transition matrix.', 'transitionMatrix');
    matrix.forEach((row, i) => shapeCheck(row.length, k, `--init ${source}: transitionMatrix[${i}] has ${row.length} entries but --states is ${k}`, 'Give a K×K transition matrix.', 'transitionMatrix'));
    init.transitionMatrix = matrix;
  }
  const emissionJson = json['emission'];
  if (emissionJson === undefined) return init;
  if (!isRecord(emissionJson)) throw new FormatError(`--init ${source}: "emission" must be an object.`, remedy);
  const type = emissionJson['type'];
  if (type !== emission || emission === 'gmm') {
    throw new FormatError(
      `--init ${source}: emission type ${JSON.stringify(type)} does not match --emission ${emission}${emission === 'gmm' ? ' (initial GMM emissions are not supported: give only the chain)' : ''}.`,
      remedy,
    );
  }
  if (emission === 'categorical') {
    const probabilities = rows(emissionJson['probabilities'], `--init ${source}: emission.probabilities`, remedy);
    shapeCheck(probabilities.length, k, `--init ${source}: emission.probabilities has ${probabilities.length} rows but --states is ${k}`, 'Give one probability row per state.', 'probabilities');
    init.emissions = { probabilities: probabilities.map((row) => [row]) };
    return init;
  }
  const covarianceType = emissionJson['covarianceType'] ?? covariance;
  if (covarianceType !== covariance) {
    throw new FormatError(`--init ${source}: emission.covarianceType is ${JSON.stringify(covarianceType)} but --covariance is ${covariance}.`, 'Make them agree.');
  }
  const d = data.cols;
  const means = rows(emissionJson['means'], `--init ${source}: emission.means`, remedy);
  shapeCheck(means.length, k, `--init ${source}: emission.means has ${means.length} rows but --states is ${k}`, 'Give one mean per state.', 'means');
  means.forEach((row, i) =>
    shapeCheck(row.length, d, `--init ${source}: emission.means[${i}] has ${row.length} coordinates but the data has D = ${d} columns`, 'Make every mean as long as a data row.', 'means'),
  );
  init.emissions = {
    covarianceType: covariance,
    dimension: d,
    means: means.flat(),
    covariances: flatCovariances(emissionJson['covariances'], covariance, k, d, `--init ${source}: emission.covariances`, remedy),
  };
  return init;
}

/** Fitted parameters in the `--init` shape. */
export function hmmParamsForOutput(parameters: HmmParametersJson, emission: EmissionType, k: number): JsonValue {
  const chain = { startProbabilities: [...parameters.startProbabilities], transitionMatrix: parameters.transitionMatrix.map((row) => [...row]) };
  const emissions = parameters.emissions as Record<string, JsonValue>;
  if (emission === 'categorical') {
    const probabilities = (emissions['probabilities'] as number[][][]).map((perVariable) => perVariable[0] as number[]);
    return { ...chain, emission: { type: 'categorical', probabilities } };
  }
  const gaussian = (value: Record<string, JsonValue>, count: number): { covarianceType: CovarianceTypeName; means: number[][]; covariances: JsonValue } => {
    const type = value['covarianceType'] as CovarianceTypeName;
    const d = value['dimension'] as number;
    const flatMeans = value['means'] as number[];
    return {
      covarianceType: type,
      means: Array.from({ length: count }, (_, i) => flatMeans.slice(i * d, (i + 1) * d)),
      covariances: nestedCovariances(value['covariances'] as number[], type, count, d),
    };
  };
  if (emission === 'gaussian') return { ...chain, emission: { type: 'gaussian', ...gaussian(emissions, k) } };
  const weights = emissions['weights'] as number[][];
  const m = weights[0]?.length ?? 1;
  const inner = gaussian(emissions['inner'] as Record<string, JsonValue>, k * m);
  return {
    ...chain,
    emission: {
      type: 'gmm',
      covarianceType: inner.covarianceType,
      weights,
      // means [K][M][D]; covariances per inner component in the --covariance shape over K·M components.
      means: Array.from({ length: k }, (_, i) => inner.means.slice(i * m, (i + 1) * m)),
      covariances: inner.covariances,
    },
  };
}

/** `em fit hmm`: fits a hidden Markov model by Baum–Welch and prints (or saves) the result. */
export const fitHmmCommand: Command = {
  path: ['fit', 'hmm'],
  summary: 'Fit a hidden Markov model (categorical, Gaussian or Gaussian-mixture emissions) by Baum–Welch.',
  description:
    'Data: one row per time step (symbols as integers 0..M-1 in one column for categorical emissions);\n' +
    '--lengths gives the length of each sequence (absent: one sequence). With --json one object:\n' +
    '{ kind, params: { startProbabilities [K], transitionMatrix [K][K], emission }, logLikelihood, history,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic }\n' +
    'emission: { type: "categorical", probabilities [K][M] } or { type: "gaussian", covarianceType, means [K][D], covariances }\n' +
    '(covariances shaped as in em fit gmm); --init takes the same document. --tol is ABSOLUTE on the total\n' +
    'log-likelihood, as hmmlearn (default 0.01).',
  options: {
    ...dataOptions,
    lengths: { type: 'value', valueName: 'FILE', description: 'Sequence lengths (.npy or CSV of integers summing to the number of rows).' },
    states: { type: 'value', valueName: 'K', description: 'Number of hidden states.', required: true },
    emission: { type: 'value', valueName: 'TYPE', description: 'categorical | gaussian | gmm.', required: true },
    covariance: { type: 'value', valueName: 'TYPE', description: 'full | tied | diagonal | spherical (gaussian, gmm).', defaultText: 'full' },
    'mixture-components': { type: 'value', valueName: 'M', description: 'Gaussian components per state (gmm).', defaultText: '2' },
    symbols: { type: 'value', valueName: 'M', description: 'Number of symbols (categorical; default: largest symbol + 1, or the width of --init probabilities).' },
    ...fitOptions,
    tol: { type: 'value', valueName: 'T', description: 'Stop when the total log-likelihood (+ log-prior) gains less than T (absolute, as hmmlearn); 0 runs exactly --max-iter.', defaultText: '0.01' },
  },
  examples: [
    'fit hmm --data rolls.csv --states 2 --emission categorical --seed 1',
    'fit hmm --data x.npy --lengths lengths.csv --states 3 --emission gaussian --covariance diagonal --n-init 5 --json',
    'fit hmm --data rolls.csv --states 2 --emission categorical --init start.json --max-iter 0 --out model.json',
  ],
  async run({ options, io }) {
    const settings = readCommonFitSettings(options);
    const tolerance = options.number('tol', { min: 0 }, 1e-2);
    const k = options.requiredInteger('states', { min: 1 });
    const emission = options.choice('emission', EMISSION_TYPES);
    if (emission === undefined) throw options.error('emission', 'is required');
    const covariance = options.choice('covariance', COVARIANCE_TYPE_NAMES, 'full');
    const mixtureComponents = options.integer('mixture-components', { min: 1 }, 2);
    const table = await readDenseData(io, options.requiredString('data'), options.string('columns') === undefined ? {} : { columns: options.string('columns') as string });
    const data = table.matrix;
    if (data.rows === 0 || data.cols === 0) throw new InvalidDataError(`${table.source} holds no data (${data.rows}×${data.cols}).`, 'Pass a file with at least one row.');
    const lengths = await readLengths(io, options.string('lengths'), data.rows);
    const init = settings.init === undefined ? undefined : parseHmmInit(await readJsonFile(io, settings.init, '--init'), settings.init, k, emission, data, covariance);
    let spec: EmissionSpec;
    const plain = settings.plainMaximumLikelihood;
    if (emission === 'categorical') {
      if (data.cols !== 1) throw new InvalidDataError(`Categorical emissions need one column of symbols; ${table.source} has ${data.cols}.`, 'Pick the symbol column with --columns.');
      const initWidth = (init?.emissions as { probabilities?: number[][][] } | undefined)?.probabilities?.[0]?.[0]?.length;
      let largest = 0;
      for (let i = 0; i < data.rows; i++) largest = Math.max(largest, data.data[i] as number);
      const symbols = options.integer('symbols', { min: 1 }) ?? initWidth ?? (Number.isInteger(largest) ? largest + 1 : 1);
      spec = { type: 'categorical', symbols, pseudocount: plain ? 0 : 0.01 };
    } else if (emission === 'gaussian') {
      spec = { type: 'gaussian', covariance, regCovar: plain ? 0 : 1e-6 };
    } else {
      spec = { type: 'gmm', covariance, mixtureComponents, regCovar: plain ? 0 : 1e-6 };
    }
    if (settings.maxIterations === 0 && (init?.startProbabilities === undefined || init.transitionMatrix === undefined || init.emissions === undefined)) {
      throw new UsageError('em fit hmm: --max-iter 0 evaluates the --init parameters, so --init must give startProbabilities, transitionMatrix and emission.');
    }
    const hmm = new HiddenMarkovModel({
      states: k,
      emission: spec,
      ...(init === undefined ? {} : { init }),
      nInit: init?.emissions !== undefined && init.startProbabilities !== undefined && init.transitionMatrix !== undefined ? 1 : settings.nInit,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance,
    });
    const progress = createProgress(io, { enabled: !settings.json && !settings.quiet, label: 'em fit hmm' });
    let result: ReturnType<HiddenMarkovModel['fit']>;
    try {
      result = hmm.fit(data, lengths, {
        onIteration: (info) => progress.update({ iteration: info.iteration, logLikelihood: info.logLikelihood, objective: info.objective, change: info.change, run: info.run, runs: settings.nInit }),
      });
    } finally {
      progress.finish();
    }
    const report: FitReport = {
      kind: HMM_KIND,
      params: hmmParamsForOutput(hmm.parameters, emission, k),
      logLikelihood: result.logLikelihood,
      history: result.history,
      iterations: result.iterations,
      converged: result.converged,
      stopReason: result.stopReason,
      secondsPerIteration: result.secondsPerIteration,
      bic: result.bic,
      aic: result.aic,
    };
    if (settings.out !== undefined) await saveModel(io, settings.out, hmm.toJSON());
    const p = hmm.parameters;
    const lines = [
      `Hidden Markov model: K = ${k}, ${emission} emissions${emission === 'categorical' ? '' : ` (${covariance} covariance${emission === 'gmm' ? `, ${mixtureComponents} components per state` : ''})`}, ` +
        `${data.rows} time steps in ${lengths?.length ?? 1} sequence${(lengths?.length ?? 1) === 1 ? '' : 's'} (${table.source})`,
      `start probabilities  ${p.startProbabilities.map((v) => formatNumber(v, 4)).join('  ')}`,
      'transition matrix',
      ...p.transitionMatrix.map((row) => `  ${row.map((v) => formatNumber(v, 4)).join('  ')}`),
      ...fitSummaryLines(report, data.rows),
    ];
    if (settings.out !== undefined) lines.push(`model saved to ${settings.out}`);
    writeFitReport(io, report, settings.json, lines);
    return 0;
  },
};
