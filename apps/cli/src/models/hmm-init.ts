import { FormatError, type JsonValue } from '@em/core';
import type { HmmInit, HmmParametersJson } from '@em/hmm';
import { type CovarianceTypeName, covarianceShapeText, parseCovariances } from './gaussian-mixture-init.js';
import { expectLength, isRecord, numberArray, numberMatrix } from './json-shape.js';

export const EMISSION_TYPES = ['categorical', 'gaussian', 'gmm'] as const;
export type EmissionType = (typeof EMISSION_TYPES)[number];

/** The covariance shape over the K·M inner components of GMM emissions. */
function innerCovarianceShapeText(type: CovarianceTypeName): string {
  return covarianceShapeText(type).replace('[K]', '[K·M]');
}

/**
 * Parses an `--init` document: { startProbabilities [K], transitionMatrix [K][K], emission:
 * { type: 'categorical', probabilities [K][M] } | { type: 'gaussian', covarianceType, means [K][D], covariances }
 * | { type: 'gmm', covarianceType, weights [K][M], means [K][M][D], covariances (over the K·M components) } }
 * — the shape `em fit hmm --json` prints. Every part is optional (what is missing is
 * initialised); `dimension` is the data's D, `mixtureComponents` the M of GMM emissions.
 */
export function parseHmmInit(
  json: unknown,
  source: string,
  k: number,
  emission: EmissionType,
  dimension: number,
  covariance: CovarianceTypeName,
  mixtureComponents = 1,
): HmmInit {
  const chain = '"startProbabilities": [K], "transitionMatrix": [K][K]';
  const expected =
    emission === 'categorical'
      ? `{ ${chain}, "emission": { "type": "categorical", "probabilities": [K][M] } }`
      : emission === 'gaussian'
        ? `{ ${chain}, "emission": { "type": "gaussian", "covarianceType": "${covariance}", "means": [K][D], "covariances": ${covarianceShapeText(covariance)} } }`
        : `{ ${chain}, "emission": { "type": "gmm", "covarianceType": "${covariance}", "weights": [K][M], "means": [K][M][D], "covariances": ${innerCovarianceShapeText(covariance)} } }`;
  const label = `--init ${source}`;
  if (!isRecord(json)) throw new FormatError(`${label} must hold a JSON object.`, `Expected ${expected}.`);
  const init: { -readonly [key in keyof HmmInit]: HmmInit[key] } = {};
  if (json['startProbabilities'] !== undefined) {
    const start = numberArray(json['startProbabilities'], `${label}: startProbabilities`, expected);
    expectLength(start.length, k, `${label}: startProbabilities has ${start.length} entries but --states is ${k}`, 'Give one start probability per state.', 'startProbabilities');
    init.startProbabilities = start;
  }
  if (json['transitionMatrix'] !== undefined) {
    const matrix = numberMatrix(json['transitionMatrix'], `${label}: transitionMatrix`, expected);
    expectLength(matrix.length, k, `${label}: transitionMatrix has ${matrix.length} rows but --states is ${k}`, 'Give a K×K transition matrix.', 'transitionMatrix');
    matrix.forEach((row, i) =>
      expectLength(row.length, k, `${label}: transitionMatrix[${i}] has ${row.length} entries but --states is ${k}`, 'Give a K×K transition matrix.', 'transitionMatrix'),
    );
    init.transitionMatrix = matrix;
  }
  const emissionJson = json['emission'];
  if (emissionJson === undefined) return init;
  if (!isRecord(emissionJson)) throw new FormatError(`${label}: "emission" must be an object.`, `Expected ${expected}.`);
  const type = emissionJson['type'];
  if (type !== emission) throw new FormatError(`${label}: emission type ${JSON.stringify(type)} does not match --emission ${emission}.`, `Expected ${expected}.`);
  if (emission === 'categorical') {
    const probabilities = numberMatrix(emissionJson['probabilities'], `${label}: emission.probabilities`, expected);
    expectLength(probabilities.length, k, `${label}: emission.probabilities has ${probabilities.length} rows but --states is ${k}`, 'Give one probability row per state.', 'probabilities');
    init.emissions = { probabilities: probabilities.map((row) => [row]) };
    return init;
  }
  const covarianceType = emissionJson['covarianceType'] ?? covariance;
  if (covarianceType !== covariance) {
    throw new FormatError(`${label}: emission.covarianceType is ${JSON.stringify(covarianceType)} but --covariance is ${covariance}.`, 'Make them agree.');
  }
  if (emission === 'gmm') {
    init.emissions = parseGmmEmissions(emissionJson, label, expected, k, mixtureComponents, dimension, covariance);
    return init;
  }
  const means = numberMatrix(emissionJson['means'], `${label}: emission.means`, expected);
  expectLength(means.length, k, `${label}: emission.means has ${means.length} rows but --states is ${k}`, 'Give one mean per state.', 'means');
  means.forEach((row, i) =>
    expectLength(row.length, dimension, `${label}: emission.means[${i}] has ${row.length} coordinates but the data has D = ${dimension} columns`, 'Make every mean as long as a data row.', 'means'),
  );
  const covariances = parseCovariances(emissionJson['covariances'], covariance, k, dimension, `${label}: emission.covariances`, expected);
  init.emissions = { covarianceType: covariance, dimension, means: means.flat(), covariances: (covariances as unknown as number[][][]).flat(2) };
  return init;
}

/** GMM emissions: weights [K][M], means [K][M][D], covariances over the K·M inner components. */
function parseGmmEmissions(
  emissionJson: Record<string, unknown>,
  label: string,
  expected: string,
  k: number,
  m: number,
  dimension: number,
  covariance: CovarianceTypeName,
): JsonValue {
  const weights = numberMatrix(emissionJson['weights'], `${label}: emission.weights`, expected);
  expectLength(weights.length, k, `${label}: emission.weights has ${weights.length} rows but --states is ${k}`, 'Give one row of mixing weights per state.', 'weights');
  weights.forEach((row, i) =>
    expectLength(row.length, m, `${label}: emission.weights[${i}] has ${row.length} entries but --mixture-components is ${m}`, 'Give M mixing weights per state.', 'weights'),
  );
  const rawMeans = emissionJson['means'];
  if (!Array.isArray(rawMeans)) throw new FormatError(`${label}: emission.means must be an array [K][M][D].`, `Expected ${expected}.`);
  expectLength(rawMeans.length, k, `${label}: emission.means has ${rawMeans.length} entries but --states is ${k}`, 'Give M means per state.', 'means');
  const means = rawMeans.map((perState: unknown, i) => {
    const rows = numberMatrix(perState, `${label}: emission.means[${i}]`, expected);
    expectLength(rows.length, m, `${label}: emission.means[${i}] has ${rows.length} means but --mixture-components is ${m}`, 'Give M means per state.', 'means');
    rows.forEach((row, j) =>
      expectLength(row.length, dimension, `${label}: emission.means[${i}][${j}] has ${row.length} coordinates but the data has D = ${dimension} columns`, 'Make every mean as long as a data row.', 'means'),
    );
    return rows;
  });
  const covariances = parseCovariances(emissionJson['covariances'], covariance, k * m, dimension, `${label}: emission.covariances`, expected);
  return {
    weights,
    inner: { covarianceType: covariance, dimension, means: means.flat(2), covariances: (covariances as unknown as number[][][]).flat(2) },
  };
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
      return chunk(flat, d * d)
        .map((matrix) => chunk(matrix, d))
        .slice(0, k);
  }
}

/** Fitted parameters in the `--init` shape (the `params` of `em fit hmm --json`). */
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
