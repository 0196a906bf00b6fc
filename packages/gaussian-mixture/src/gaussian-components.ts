import { asymmetry, choleskyInPlace, InvalidParametersError, FormatError, symmetricEigenvalues, type JsonValue } from '@em/core';

/** How the K covariance matrices are constrained (mclust: VVV, EEE, VVI, VII). */
export type CovarianceType = 'full' | 'tied' | 'diagonal' | 'spherical';

export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'tied', 'diagonal', 'spherical'];

/**
 * The parameters of K Gaussian components in dimension D, as plain data.
 *
 * `means` is K·D row-major (component k's mean at k·D). `covariances` is shaped by type:
 * full K·D·D (component k's matrix at k·D·D, row-major), tied D·D (shared), diagonal K·D
 * (variances), spherical K (one variance per component).
 */
export interface GaussianComponents {
  readonly covarianceType: CovarianceType;
  /** D, the number of coordinates (needed because a diagonal K·D array does not reveal it). */
  readonly dimension: number;
  readonly means: Float64Array;
  readonly covariances: Float64Array;
}

/** Length of the covariance array for K components in dimension D. */
export function covarianceLength(type: CovarianceType, k: number, d: number): number {
  switch (type) {
    case 'full':
      return k * d * d;
    case 'tied':
      return d * d;
    case 'diagonal':
      return k * d;
    case 'spherical':
      return k;
  }
}

/** Free covariance parameters for K components in dimension D. */
export function covarianceParameterCount(type: CovarianceType, k: number, d: number): number {
  switch (type) {
    case 'full':
      return (k * d * (d + 1)) / 2;
    case 'tied':
      return (d * (d + 1)) / 2;
    case 'diagonal':
      return k * d;
    case 'spherical':
      return k;
  }
}

export function isCovarianceType(value: unknown): value is CovarianceType {
  return typeof value === 'string' && (COVARIANCE_TYPES as readonly string[]).includes(value);
}

/** K of a set of components. */
export function componentCountOf(components: GaussianComponents): number {
  return components.dimension === 0 ? 0 : components.means.length / components.dimension;
}

/**
 * Covariance of component k as a dense D×D matrix written into `out` at `offset` (for every type).
 * Used off the hot path (sampling, missing values, validation) and by tests.
 */
export function denseCovariance(components: GaussianComponents, k: number, out: Float64Array, offset = 0): Float64Array {
  const d = components.dimension;
  const c = components.covariances;
  switch (components.covarianceType) {
    case 'full':
      for (let i = 0; i < d * d; i++) out[offset + i] = c[k * d * d + i] as number;
      break;
    case 'tied':
      for (let i = 0; i < d * d; i++) out[offset + i] = c[i] as number;
      break;
    case 'diagonal':
      out.fill(0, offset, offset + d * d);
      for (let j = 0; j < d; j++) out[offset + j * d + j] = c[k * d + j] as number;
      break;
    case 'spherical':
      out.fill(0, offset, offset + d * d);
      for (let j = 0; j < d; j++) out[offset + j * d + j] = c[k] as number;
      break;
  }
  return out;
}

/** Largest relative asymmetry accepted in a user-given covariance matrix. */
const SYMMETRY_TOLERANCE = 1e-10;

/**
 * Throws InvalidParametersError naming the component and parameter when the shapes, values,
 * symmetry or positive definiteness are wrong.
 */
export function validateGaussianComponents(components: GaussianComponents, expectedType?: CovarianceType): void {
  const { covarianceType: type, dimension: d, means, covariances } = components;
  if (!isCovarianceType(type)) {
    throw new InvalidParametersError(`covarianceType "${String(type)}" is not one of full, tied, diagonal, spherical.`, 'Pick one of the four covariance types.', {
      parameter: 'covarianceType',
    });
  }
  if (expectedType !== undefined && type !== expectedType) {
    throw new InvalidParametersError(`The components have covariance type "${type}" but the model was built for "${expectedType}".`, `Give ${expectedType} covariances, or build the model with covariance "${type}".`, {
      parameter: 'covarianceType',
    });
  }
  if (!Number.isInteger(d) || d < 1) {
    throw new InvalidParametersError(`dimension must be an integer ≥ 1; got ${String(d)}.`, 'Set dimension to the number of data columns.', { parameter: 'dimension' });
  }
  if (!(means instanceof Float64Array) || means.length === 0 || means.length % d !== 0) {
    throw new InvalidParametersError(`means must be a Float64Array of K·${d} values; got length ${means.length}.`, 'Give one mean vector of length D per component.', {
      parameter: 'means',
    });
  }
  const k = means.length / d;
  const expected = covarianceLength(type, k, d);
  if (!(covariances instanceof Float64Array) || covariances.length !== expected) {
    throw new InvalidParametersError(
      `${type} covariances for ${k} components in dimension ${d} need ${expected} values; got ${covariances.length}.`,
      `Shape them as ${shapeDescription(type)}.`,
      { parameter: 'covariances', expected, length: covariances.length },
    );
  }
  for (let i = 0; i < means.length; i++) {
    if (!Number.isFinite(means[i] as number)) {
      throw new InvalidParametersError(`means[${Math.floor(i / d)}][${i % d}] = ${means[i]} is not finite.`, 'Give finite means.', {
        parameter: 'means',
        component: Math.floor(i / d),
        index: i % d,
      });
    }
  }
  if (type === 'diagonal' || type === 'spherical') {
    for (let i = 0; i < covariances.length; i++) {
      const v = covariances[i] as number;
      if (!Number.isFinite(v) || v <= 0) {
        const where = type === 'diagonal' ? `[${Math.floor(i / d)}][${i % d}]` : `[${i}]`;
        throw new InvalidParametersError(`${type} covariances${where} = ${v} is not a positive finite variance.`, 'Variances must be > 0 (add a small ridge such as 1e-6 if a column is constant).', {
          parameter: 'covariances',
          component: type === 'diagonal' ? Math.floor(i / d) : i,
        });
      }
    }
    return;
  }
  const matrices = type === 'tied' ? 1 : k;
  const factor = new Float64Array(d * d);
  for (let m = 0; m < matrices; m++) {
    const offset = m * d * d;
    const label = type === 'tied' ? 'the tied covariance' : `covariances[${m}]`;
    for (let i = 0; i < d * d; i++) {
      if (!Number.isFinite(covariances[offset + i] as number)) {
        throw new InvalidParametersError(`${label}[${Math.floor(i / d)}][${i % d}] is not finite.`, 'Give finite covariance entries.', { parameter: 'covariances', component: m });
      }
    }
    const skew = asymmetry(covariances, d, offset);
    if (skew > SYMMETRY_TOLERANCE) {
      throw new InvalidParametersError(`${label} is not symmetric (relative asymmetry ${skew.toExponential(2)}).`, 'Covariance matrices must equal their transpose; use (A + Aᵀ)/2.', {
        parameter: 'covariances',
        component: m,
      });
    }
    if (choleskyInPlace(covariances, d, factor, offset, 0) >= 0) {
      const smallest = symmetricEigenvalues(covariances, d, offset)[0] ?? Number.NaN;
      throw new InvalidParametersError(
        `${label} is not positive definite (smallest eigenvalue ${smallest.toExponential(3)}).`,
        'Give a symmetric positive-definite matrix (add a small multiple of the identity, e.g. 1e-6·I, if it is singular).',
        { parameter: 'covariances', component: m, smallestEigenvalue: smallest },
      );
    }
  }
}

function shapeDescription(type: CovarianceType): string {
  switch (type) {
    case 'full':
      return 'K×D×D (one D×D matrix per component)';
    case 'tied':
      return 'D×D (one shared matrix)';
    case 'diagonal':
      return 'K×D (one variance vector per component)';
    case 'spherical':
      return 'K (one variance per component)';
  }
}

/** Plain JSON of components: flat arrays, exact (JSON prints float64 round-trip digits). */
export function gaussianComponentsToJSON(components: GaussianComponents): JsonValue {
  return {
    covarianceType: components.covarianceType,
    dimension: components.dimension,
    means: Array.from(components.means),
    covariances: Array.from(components.covariances),
  };
}

export function gaussianComponentsFromJSON(json: JsonValue): GaussianComponents {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new FormatError('Gaussian components must be a JSON object.', 'Pass the output of componentsToJSON.');
  }
  const record = json as { readonly [key: string]: JsonValue };
  const type = record['covarianceType'];
  const dimension = record['dimension'];
  const means = record['means'];
  const covariances = record['covariances'];
  if (!isCovarianceType(type)) throw new FormatError(`covarianceType ${JSON.stringify(type)} is not a covariance type.`, 'Use full, tied, diagonal or spherical.');
  if (typeof dimension !== 'number') throw new FormatError('Gaussian components need a numeric "dimension".', 'Pass the output of componentsToJSON.');
  if (!isNumberArray(means) || !isNumberArray(covariances)) {
    throw new FormatError('"means" and "covariances" must be flat arrays of numbers.', 'Pass the output of componentsToJSON.');
  }
  return { covarianceType: type, dimension, means: Float64Array.from(means), covariances: Float64Array.from(covariances) };
}

function isNumberArray(value: JsonValue | undefined): value is readonly number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}
