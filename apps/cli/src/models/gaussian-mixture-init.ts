import { FormatError, InvalidParametersError } from '@em/core';

export type CovarianceTypeName = 'full' | 'tied' | 'diagonal' | 'spherical';
export const COVARIANCE_TYPE_NAMES: readonly CovarianceTypeName[] = ['full', 'tied', 'diagonal', 'spherical'];

/** Initial parameters as `--init` gives them: nested arrays shaped as in the `--json` output. */
export interface GaussianMixtureInit {
  readonly weights: number[];
  readonly means: number[][];
  /** full [K][D][D], tied [D][D], diagonal [K][D], spherical [K]. */
  readonly covariances: number[] | number[][] | number[][][];
}

/** The shape `covariances` must have, in words. */
export function covarianceShapeText(type: CovarianceTypeName): string {
  switch (type) {
    case 'full':
      return '[K][D][D]';
    case 'tied':
      return '[D][D]';
    case 'diagonal':
      return '[K][D]';
    case 'spherical':
      return '[K]';
  }
}

/**
 * Checks the shape of an `--init` document against K, D and the covariance type, naming the
 * first field that is off. Values (simplex, positive definiteness) are checked by the model.
 */
export function parseGaussianMixtureInit(json: unknown, source: string, components: number, dimension: number, type: CovarianceTypeName): GaussianMixtureInit {
  const expected = `{ "weights": [K], "means": [K][D], "covariances": ${covarianceShapeText(type)} } for --covariance ${type}`;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new FormatError(`--init ${source} must hold a JSON object.`, `Expected ${expected}.`);
  }
  const record = json as Record<string, unknown>;
  for (const key of ['weights', 'means', 'covariances']) {
    if (!(key in record)) throw new FormatError(`--init ${source} has no "${key}".`, `Expected ${expected}.`);
  }
  const weights = numberArray(record['weights'], `--init ${source}: weights`, expected);
  if (weights.length !== components) {
    throw new InvalidParametersError(`--init ${source}: weights has ${weights.length} entries but --components is ${components}.`, 'Give one weight per component, or change --components.', {
      parameter: 'weights',
    });
  }
  const means = matrix(record['means'], `--init ${source}: means`, expected);
  if (means.length !== components) {
    throw new InvalidParametersError(`--init ${source}: means has ${means.length} rows but --components is ${components}.`, 'Give one mean per component.', { parameter: 'means' });
  }
  means.forEach((row, k) => {
    if (row.length !== dimension) {
      throw new InvalidParametersError(
        `--init ${source}: means[${k}] has ${row.length} coordinates but the data has D = ${dimension} columns.`,
        'Make every mean as long as a data row (or choose the matching columns with --columns).',
        { parameter: 'means', component: k },
      );
    }
  });
  const raw = record['covariances'];
  const label = `--init ${source}: covariances`;
  let covariances: GaussianMixtureInit['covariances'];
  switch (type) {
    case 'spherical': {
      const variances = numberArray(raw, label, expected);
      expectLength(variances.length, components, `${label} has ${variances.length} entries but K = ${components}`);
      covariances = variances;
      break;
    }
    case 'diagonal': {
      const rows = matrix(raw, label, expected);
      expectLength(rows.length, components, `${label} has ${rows.length} rows but K = ${components}`);
      rows.forEach((row, k) => expectLength(row.length, dimension, `${label}[${k}] has ${row.length} variances but D = ${dimension}`));
      covariances = rows;
      break;
    }
    case 'tied': {
      const rows = matrix(raw, label, expected);
      squareOf(rows, dimension, label);
      covariances = rows;
      break;
    }
    case 'full': {
      if (!Array.isArray(raw)) throw new FormatError(`${label} must be an array.`, `Expected ${expected}.`);
      expectLength(raw.length, components, `${label} has ${raw.length} matrices but K = ${components}`);
      covariances = raw.map((item, k) => {
        const rows = matrix(item, `${label}[${k}]`, expected);
        squareOf(rows, dimension, `${label}[${k}]`);
        return rows;
      });
      break;
    }
  }
  return { weights, means, covariances };
}

function expectLength(actual: number, wanted: number, problem: string): void {
  if (actual !== wanted) throw new InvalidParametersError(`${problem}.`, 'Shape covariances as the --json output does for this covariance type.');
}

function squareOf(rows: number[][], dimension: number, label: string): void {
  expectLength(rows.length, dimension, `${label} has ${rows.length} rows but the data has D = ${dimension} columns`);
  rows.forEach((row, i) => expectLength(row.length, dimension, `${label}[${i}] has ${row.length} entries but D = ${dimension}`));
}

function numberArray(value: unknown, label: string, expected: string): number[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) {
    throw new FormatError(`${label} must be an array of numbers.`, `Expected ${expected}.`);
  }
  return value as number[];
}

function matrix(value: unknown, label: string, expected: string): number[][] {
  if (!Array.isArray(value)) throw new FormatError(`${label} must be an array of arrays of numbers.`, `Expected ${expected}.`);
  return value.map((row, i) => numberArray(row, `${label}[${i}]`, expected));
}
