import { InvalidParametersError, type MixtureParameters } from '@em/core';
import { covarianceLength, type CovarianceType, type GaussianComponents } from './gaussian-components.js';
import { decomposeCovariances, type CovarianceDecomposition } from './constrained/covariance-constraint.js';
import { classicModelOf, type CovarianceModel } from './constrained/covariance-models.js';
import { componentsFromFullCovariances } from './constrained/full-matrix-start.js';

/**
 * What every plain parameter object also carries: mclust's model name and, per component, its
 * volume, shape, orientation and Σ_k (read-only extras: `fromNestedParameters` ignores them).
 */
type ReadableCovariances = {
  readonly model?: CovarianceModel;
  readonly decomposition?: CovarianceDecomposition[];
};

/** Fitted parameters in plain nested-array form, shaped by covariance storage. */
export type GaussianMixtureParameters = ReadableCovariances &
  (
    | { readonly covarianceType: 'full'; readonly weights: number[]; readonly means: number[][]; readonly covariances: number[][][] }
    | { readonly covarianceType: 'tied'; readonly weights: number[]; readonly means: number[][]; readonly covariances: number[][] }
    | { readonly covarianceType: 'diagonal'; readonly weights: number[]; readonly means: number[][]; readonly covariances: number[][] }
    | { readonly covarianceType: 'spherical'; readonly weights: number[]; readonly means: number[][]; readonly covariances: number[] }
  );

/** Nested numbers of any depth (what users write for means and covariances). */
export type NestedNumbers = number | ArrayLike<number> | ReadonlyArray<NestedNumbers>;

/**
 * User-given initial parameters: weights [K], means [K][D], covariances shaped by the model's
 * covariance storage (full [K][D][D], tied [D][D], diagonal [K][D], spherical [K]), or, for every
 * model, K full [K][D][D] matrices (checked against the model's constraint to a round-off tolerance).
 */
export interface GaussianMixtureInitialParameters {
  readonly weights: ArrayLike<number>;
  readonly means: NestedNumbers;
  readonly covariances: NestedNumbers;
}

/** The core parameter type of a Gaussian mixture. */
export type GaussianMixtureState = MixtureParameters<GaussianComponents>;

function rows(values: Float64Array, count: number, width: number, offset = 0): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < count; r++) out.push(Array.from(values.subarray(offset + r * width, offset + (r + 1) * width)));
  return out;
}

/** Up to this many columns, plain parameters carry each component's volume, shape and orientation. */
export const DECOMPOSITION_DIMENSIONS = 64;

/** Core parameters → nested arrays, with the model's name and per-component decomposition. */
export function toNestedParameters(state: GaussianMixtureState, model: CovarianceModel = classicModelOf(state.components.covarianceType)): GaussianMixtureParameters {
  const { components, weights } = state;
  const d = components.dimension;
  const k = components.means.length / d;
  // The decomposition costs K eigen-decompositions of D×D and K·D² more numbers in JSON: given up to
  // DECOMPOSITION_DIMENSIONS columns (beyond, call decomposeCovariances when it is wanted).
  const base = {
    model,
    ...(d <= DECOMPOSITION_DIMENSIONS ? { decomposition: decomposeCovariances(components, model) } : {}),
    weights: Array.from(weights),
    means: rows(components.means, k, d),
  };
  const c = components.covariances;
  switch (components.covarianceType) {
    case 'full': {
      const covariances: number[][][] = [];
      for (let m = 0; m < k; m++) covariances.push(rows(c, d, d, m * d * d));
      return { covarianceType: 'full', ...base, covariances };
    }
    case 'tied':
      return { covarianceType: 'tied', ...base, covariances: rows(c, d, d) };
    case 'diagonal':
      return { covarianceType: 'diagonal', ...base, covariances: rows(c, k, d) };
    case 'spherical':
      return { covarianceType: 'spherical', ...base, covariances: Array.from(c) };
  }
}

function flatten(value: NestedNumbers, name: string, out: number[]): number[] {
  if (typeof value === 'number') {
    out.push(value);
    return out;
  }
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<unknown>).length !== 'number') {
    throw new InvalidParametersError(`${name} must contain only numbers and arrays of numbers.`, `Shape ${name} as nested arrays of numbers.`, { parameter: name });
  }
  const list = value as ArrayLike<NestedNumbers>;
  for (let i = 0; i < list.length; i++) flatten(list[i] as NestedNumbers, name, out);
  return out;
}

/**
 * Nested user parameters → core parameters for K components in dimension D (shape checked; values
 * are checked afterwards by the model's validateParameters).
 */
export function fromNestedParameters(initial: GaussianMixtureInitialParameters, type: CovarianceType, k: number, d: number, model: CovarianceModel = classicModelOf(type)): GaussianMixtureState {
  const weights = Float64Array.from(flatten(initial.weights as NestedNumbers, 'weights', []));
  if (weights.length !== k) {
    throw new InvalidParametersError(`weights has ${weights.length} entries but the model has ${k} components.`, `Give exactly ${k} weights.`, { parameter: 'weights' });
  }
  const means = Float64Array.from(flatten(initial.means, 'means', []));
  if (means.length !== k * d) {
    throw new InvalidParametersError(
      `means has ${means.length} values; ${k} components in dimension ${d} (the data's columns) need ${k}×${d} = ${k * d}.`,
      `Give ${k} mean vectors of length ${d}, or data with ${means.length / k} columns.`,
      { parameter: 'means', expected: k * d, length: means.length },
    );
  }
  const covariances = Float64Array.from(flatten(initial.covariances, 'covariances', []));
  const expected = covarianceLength(type, k, d);
  // K full matrices are a start for every model (a fit's Σ_k, or mclust's), checked against its constraint.
  if (covariances.length !== expected && covariances.length === k * d * d) return { weights, components: componentsFromFullCovariances(model, d, means, covariances) };
  if (covariances.length !== expected) {
    const shape = { full: `[${k}][${d}][${d}]`, tied: `[${d}][${d}]`, diagonal: `[${k}][${d}]`, spherical: `[${k}]` }[type];
    throw new InvalidParametersError(`${type} covariances have ${covariances.length} values; expected ${expected} (shape ${shape}).`, `Shape covariances as ${shape}, or give ${k} full matrices [${k}][${d}][${d}].`, {
      parameter: 'covariances',
      expected,
      length: covariances.length,
    });
  }
  return { weights, components: { covarianceType: type, dimension: d, means, covariances } };
}
