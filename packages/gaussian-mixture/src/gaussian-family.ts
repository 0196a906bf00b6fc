import {
  choleskyInPlace,
  DenseMatrix,
  InvalidDataError,
  InvalidOptionsError,
  type ComponentFamily,
  type JsonValue,
  type MStepContext,
  type Random,
} from '@em/core';
import { covarianceLogPrior } from './covariance-prior.js';
import {
  componentCountOf,
  covarianceLength,
  gaussianComponentsFromJSON,
  gaussianComponentsToJSON,
  validateGaussianComponents,
  type CovarianceType,
  type GaussianComponents,
} from './gaussian-components.js';
import { gaussianExpectedLogDensity, maximizeGaussian, type MaximizationSettings } from './gaussian-maximization.js';
import { scatterLayout, zeroGaussianStatistics, type GaussianStatistics, type ScatterLayout } from './gaussian-statistics.js';
import { diagonalAccumulate, diagonalLogDensities } from './kernels/diagonal-kernel.js';
import { fullAccumulate, fullLogDensities } from './kernels/full-kernel.js';
import { missingValuesAccumulate, missingValuesLogDensities } from './kernels/missing-values-kernel.js';
import { smallFullKernels } from './kernels/small-full-kernel.js';
import { sphericalAccumulate, sphericalLogDensities } from './kernels/spherical-kernel.js';
import { tiedLogDensities } from './kernels/tied-kernel.js';
import { prepareGaussian, type PreparedGaussian } from './prepared-gaussian.js';
import { validateGaussianData } from './value-limit.js';
import { gaussianParameterMapFor } from './gaussian-parameter-map.js';
import { covarianceModelParameterCount, resolveCovarianceModel, storageOf, type CovarianceModel, type CovarianceOption } from './constrained/covariance-models.js';
import { validateCovarianceConstraint } from './constrained/covariance-constraint.js';

/** Options of the Gaussian component family. */
export interface GaussianFamilyOptions {
  /**
   * Covariance structure (default 'full'): one of mclust's fourteen models (EII … VVV) or an alias
   * (full = VVV, tied = EEE, diagonal = diag = VVI, spherical = VII).
   */
  readonly covariance?: CovarianceOption;
  /**
   * Strength λ ≥ 0 of the covariance prior (default 1e-6, like scikit-learn's reg_covar); 0 is plain
   * maximum likelihood. See covariance-prior.ts / the README for the exact prior.
   */
  readonly regCovar?: number;
  /** Which parameters the M-step updates (default: both). Frozen parameters keep their initial values. */
  readonly update?: { readonly means?: boolean; readonly covariances?: boolean };
  /** Marginalise NaN entries as missing values (default false: NaN is an InvalidDataError). */
  readonly missingValues?: boolean;
  /**
   * What the M-step does with a component that collapses (zero mass, singular covariance): keep its
   * previous parameters and report a `degenerate-component` event (default), or throw
   * DegenerateModelError.
   */
  readonly onDegenerate?: 'keep-previous' | 'error';
}

/** Options with every default filled in. */
export interface ResolvedGaussianFamilyOptions {
  /** How Σ_k are stored (and which E-step kernel runs): the model's storage type. */
  readonly covariance: CovarianceType;
  /** mclust's name of the model. */
  readonly model: CovarianceModel;
  readonly regCovar: number;
  readonly update: { readonly means: boolean; readonly covariances: boolean };
  readonly missingValues: boolean;
  readonly onDegenerate: 'keep-previous' | 'error';
}

/** The Gaussian family as a core ComponentFamily over dense row-major data. */
export interface GaussianFamily extends ComponentFamily<GaussianComponents, DenseMatrix, GaussianStatistics, PreparedGaussian> {
  readonly options: ResolvedGaussianFamilyOptions;
  readonly layout: ScatterLayout;
}

export const DEFAULT_REG_COVAR = 1e-6;

/** A kernel pair's signature: out and weights row-major, or component-major with `byComponent` (see ComponentFamily). */
type LogDensityKernel = (p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent: boolean) => void;
type AccumulateKernel = (p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent: boolean) => void;
type RowMajorLogDensityKernel = (p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array) => void;
type RowMajorAccumulateKernel = (p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array) => void;

function kernelsFor(type: CovarianceType, missingValues: boolean): { logDensities: LogDensityKernel; accumulate: AccumulateKernel } {
  if (missingValues) return { logDensities: logDensitiesThroughRows(missingValuesLogDensities), accumulate: accumulateThroughRows(missingValuesAccumulate) };
  switch (type) {
    case 'full':
      return { logDensities: fullLogDensitiesAnyDimension, accumulate: fullAccumulateAnyDimension };
    case 'tied':
      // One factor for the densities; statistics per component about its own mean, pooled in the M-step (see ScatterLayout).
      return { logDensities: tiedLogDensities, accumulate: fullAccumulateAnyDimension };
    case 'diagonal':
      return { logDensities: diagonalLogDensities, accumulate: diagonalAccumulate };
    case 'spherical':
      return { logDensities: sphericalLogDensities, accumulate: sphericalAccumulate };
  }
}

/** A block-sized buffer for the transposes below (one per thread; the kernels do not nest). */
let transposeBuffer = new Float64Array(0);

function bufferOf(length: number): Float64Array {
  if (transposeBuffer.length < length) transposeBuffer = new Float64Array(length);
  return transposeBuffer;
}

/** A row-major-only density kernel in either layout (component-major through a transposed copy). */
function logDensitiesThroughRows(kernel: RowMajorLogDensityKernel): LogDensityKernel {
  return (p, x, start, end, out, byComponent) => {
    if (!byComponent) {
      kernel(p, x, start, end, out);
      return;
    }
    const rows = end - start;
    const k = p.k;
    const buffer = bufferOf(rows * k);
    kernel(p, x, start, end, buffer);
    for (let c = 0; c < k; c++) for (let i = 0, o = c * rows; i < rows; i++) out[o + i] = buffer[i * k + c] as number;
  };
}

/** A row-major-only statistics kernel in either layout (component-major weights transposed first). */
function accumulateThroughRows(kernel: RowMajorAccumulateKernel): AccumulateKernel {
  return (p, stats, x, start, end, weights, byComponent) => {
    if (!byComponent) {
      kernel(p, stats, x, start, end, weights);
      return;
    }
    const rows = end - start;
    const k = p.k;
    const buffer = bufferOf(rows * k);
    for (let c = 0; c < k; c++) for (let i = 0, o = c * rows; i < rows; i++) buffer[i * k + c] = weights[o + i] as number;
    kernel(p, stats, x, start, end, buffer);
  };
}

/** Full covariances: the row-at-a-time kernels in small dimension (when available), else the blocked ones. */
function fullLogDensitiesAnyDimension(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent: boolean): void {
  const small = smallFullKernels(p.d);
  if (small === undefined) fullLogDensities(p, x, start, end, out, byComponent);
  else logDensitiesThroughRows(small.logDensities)(p, x, start, end, out, byComponent);
}

function fullAccumulateAnyDimension(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent: boolean): void {
  const small = smallFullKernels(p.d);
  if (small === undefined) fullAccumulate(p, stats, x, start, end, weights, byComponent);
  else accumulateThroughRows(small.accumulate)(p, stats, x, start, end, weights, byComponent);
}

export function resolveGaussianFamilyOptions(options: GaussianFamilyOptions = {}): ResolvedGaussianFamilyOptions {
  const model = resolveCovarianceModel(options.covariance ?? 'full');
  const covariance = storageOf(model);
  const regCovar = options.regCovar ?? DEFAULT_REG_COVAR;
  if (typeof regCovar !== 'number' || !Number.isFinite(regCovar) || regCovar < 0) {
    throw new InvalidOptionsError(`regCovar must be a finite number ≥ 0; got ${String(regCovar)}.`, 'Use 0 for plain maximum likelihood or a small positive value such as 1e-6.', {
      option: 'regCovar',
    });
  }
  const onDegenerate = options.onDegenerate ?? 'keep-previous';
  if (onDegenerate !== 'keep-previous' && onDegenerate !== 'error') {
    throw new InvalidOptionsError(`onDegenerate must be 'keep-previous' or 'error'; got ${JSON.stringify(onDegenerate)}.`, "Pass 'keep-previous' or 'error'.", { option: 'onDegenerate' });
  }
  return {
    covariance,
    model,
    regCovar,
    update: { means: options.update?.means ?? true, covariances: options.update?.covariances ?? true },
    missingValues: options.missingValues ?? false,
    onDegenerate,
  };
}

/**
 * The Gaussian component family: K Gaussians with full, tied, diagonal or spherical covariances,
 * each with its own fused kernels (Cholesky per component in `prepare`, triangular solves in
 * `logDensities`, statistics about a reference near the data in `accumulate`). Serves the
 * Gaussian mixture and, as an emission family, the Gaussian HMM.
 */
export function gaussianFamily(options: GaussianFamilyOptions = {}): GaussianFamily {
  const resolved = resolveGaussianFamilyOptions(options);
  const { covariance: type, model, regCovar: strength, missingValues } = resolved;
  const layout = scatterLayout(type, missingValues);
  const kernels = kernelsFor(type, missingValues);
  const settings: MaximizationSettings = {
    type,
    layout,
    strength,
    updateMeans: resolved.update.means,
    updateCovariances: resolved.update.covariances,
    onDegenerate: resolved.onDegenerate,
    model,
  };
  const sampleFactors = new WeakMap<Float64Array, Float64Array>();
  const config: JsonValue = {
    covariance: model,
    regCovar: strength,
    update: { means: resolved.update.means, covariances: resolved.update.covariances },
    missingValues,
    onDegenerate: resolved.onDegenerate,
  };

  const parameterMap = gaussianParameterMapFor(resolved);
  return {
    name: 'gaussian',
    config,
    ...(parameterMap === undefined ? {} : { parameterMap }),
    options: resolved,
    layout,
    componentCount: componentCountOf,
    observationCount: (x) => x.rows,
    sliceObservations: (x, start, end) => x.sliceRows(start, end),
    validateData(x, components) {
      if (!(x instanceof DenseMatrix)) throw new InvalidDataError('Gaussian data must be a DenseMatrix.', 'Wrap rows with DenseMatrix.from(rows).');
      if (x.rows > 0 && x.cols === 0) throw new InvalidDataError('The data has no columns.', 'Pass at least one numeric column.');
      if (components !== undefined && x.cols !== components.dimension) {
        throw new InvalidDataError(
          `The data has ${x.cols} columns but the Gaussian components have dimension ${components.dimension}.`,
          `Give data with ${components.dimension} columns, or parameters (means, covariances) of dimension ${x.cols}.`,
          { columns: x.cols, dimension: components.dimension },
        );
      }
      // Finite values within ±LARGEST_DATA_VALUE, in the one pass DenseMatrix.validate would take.
      validateGaussianData(x, missingValues);
    },
    // A Gaussian density is positive everywhere: a row at −∞ under every component is an overflow.
    positiveDensities: true,
    validateComponents: (components) => {
      validateGaussianComponents(components, type);
      validateCovarianceConstraint(components, model);
    },
    prepare: (components) => prepareGaussian(components, layout, missingValues),
    logDensities: (prepared, x, start, end, out) => kernels.logDensities(prepared, x.data, start, end, out, false),
    logDensitiesByComponent: (prepared, x, start, end, out) => kernels.logDensities(prepared, x.data, start, end, out, true),
    zeroStatistics: (components) => zeroGaussianStatistics(layout, componentCountOf(components), components.dimension),
    accumulate: (prepared, stats, x, start, end, weights) => kernels.accumulate(prepared, stats, x.data, start, end, weights, false),
    accumulateByComponent: (prepared, stats, x, start, end, weights) => kernels.accumulate(prepared, stats, x.data, start, end, weights, true),
    maximize: (stats, previous, context: MStepContext) => maximizeGaussian(stats, previous, settings, context),
    expectedLogDensity: (components, stats) => gaussianExpectedLogDensity(components, stats, layout),
    logPrior: (components) => (resolved.update.covariances ? covarianceLogPrior(components, strength) : 0),
    freeParameterCount(components) {
      const k = componentCountOf(components);
      const d = components.dimension;
      return (resolved.update.means ? k * d : 0) + (resolved.update.covariances ? covarianceModelParameterCount(model, k, d) : 0);
    },
    initializeFromWeights: (x, weights, k, context) => initializeGaussianComponents(x, weights, k, resolved, context),
    sample(components, k, random: Random, out) {
      const d = components.dimension;
      const mean = k * d;
      const c = components.covariances;
      switch (components.covarianceType) {
        case 'diagonal':
          for (let a = 0; a < d; a++) out[a] = (components.means[mean + a] as number) + Math.sqrt(c[k * d + a] as number) * random.normal();
          return;
        case 'spherical': {
          const s = Math.sqrt(c[k] as number);
          for (let a = 0; a < d; a++) out[a] = (components.means[mean + a] as number) + s * random.normal();
          return;
        }
        case 'full':
        case 'tied': {
          let factors = sampleFactors.get(c);
          if (factors === undefined) {
            const matrices = components.covarianceType === 'tied' ? 1 : c.length / (d * d);
            factors = new Float64Array(matrices * d * d);
            for (let m = 0; m < matrices; m++) choleskyInPlace(c, d, factors, m * d * d, m * d * d);
            sampleFactors.set(c, factors);
          }
          const offset = components.covarianceType === 'tied' ? 0 : k * d * d;
          // x = μ + L·z, z standard normal (drawn first so the stream does not depend on D's loop order).
          const z = new Float64Array(d);
          for (let a = 0; a < d; a++) z[a] = random.normal();
          for (let a = 0; a < d; a++) {
            let v = components.means[mean + a] as number;
            for (let b = 0; b <= a; b++) v += (factors[offset + a * d + b] as number) * (z[b] as number);
            out[a] = v;
          }
          return;
        }
      }
    },
    sampleDimension: (components) => components.dimension,
    componentsToJSON: gaussianComponentsToJSON,
    componentsFromJSON: gaussianComponentsFromJSON,
    shareData: (x) => x.toShared(),
  };
}

/** Rebuilds a family from its `config` (worker threads, saved models). */
export function gaussianFamilyFromConfig(json: JsonValue): GaussianFamily {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidOptionsError('A Gaussian family config must be an object.', 'Pass family.config.');
  }
  const record = json as { readonly [key: string]: JsonValue };
  const update = record['update'];
  const updateRecord = update !== null && typeof update === 'object' && !Array.isArray(update) ? (update as { readonly [key: string]: JsonValue }) : {};
  const options: {
    covariance?: CovarianceOption;
    regCovar?: number;
    update?: { means?: boolean; covariances?: boolean };
    missingValues?: boolean;
    onDegenerate?: 'keep-previous' | 'error';
  } = {};
  const covariance = record['covariance'];
  if (covariance !== undefined) options.covariance = covariance as CovarianceOption;
  if (typeof record['regCovar'] === 'number') options.regCovar = record['regCovar'];
  const means = updateRecord['means'];
  const covariances = updateRecord['covariances'];
  options.update = {
    ...(typeof means === 'boolean' ? { means } : {}),
    ...(typeof covariances === 'boolean' ? { covariances } : {}),
  };
  if (typeof record['missingValues'] === 'boolean') options.missingValues = record['missingValues'];
  const onDegenerate = record['onDegenerate'];
  if (onDegenerate === 'keep-previous' || onDegenerate === 'error') options.onDegenerate = onDegenerate;
  return gaussianFamily(options);
}

/**
 * Components from per-row weights (n×K responsibilities, sample weights already applied):
 * weighted means, then the MAP covariance of the scatter about them (two passes, so the
 * scatter is centred). Missing entries are replaced by their column's weighted mean here only.
 * A component with no mass or a singular covariance throws DegenerateModelError.
 */
export function initializeGaussianComponents(x: DenseMatrix, weights: Float64Array, k: number, options: ResolvedGaussianFamilyOptions, context: MStepContext): GaussianComponents {
  const n = x.rows;
  const d = x.cols;
  const data = options.missingValues ? imputeColumnMeans(x) : x.data;
  const counts = new Float64Array(k);
  const means = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const w = weights[i * k + c] as number;
      if (w === 0) continue;
      counts[c] = (counts[c] as number) + w;
      for (let a = 0; a < d; a++) means[c * d + a] = (means[c * d + a] as number) + w * (data[i * d + a] as number);
    }
  }
  for (let c = 0; c < k; c++) {
    const nc = counts[c] as number;
    for (let a = 0; a < d; a++) means[c * d + a] = nc > 0 ? (means[c * d + a] as number) / nc : 0;
  }
  const type = options.covariance;
  // The placeholder's variances (the data's, per column) are the yardstick of collapse detection.
  const placeholder: GaussianComponents = { covarianceType: type, dimension: d, means, covariances: diagonalCovariances(type, k, columnVariances(data, n, d)) };
  const stats = zeroGaussianStatistics('full', k, d);
  const prepared = { k, d, means, scratch: new Float64Array(d), blockSums: new Float64Array(k * d), work: { capacity: 0 } } as unknown as PreparedGaussian;
  for (let start = 0; start < n; start += 512) {
    const end = Math.min(n, start + 512);
    fullAccumulate(prepared, stats, data, start, end, weights.subarray(start * k, end * k));
  }
  return maximizeGaussian(
    stats,
    placeholder,
    { type, layout: 'full', strength: options.regCovar, updateMeans: true, updateCovariances: true, onDegenerate: 'error', model: options.model },
    context,
  );
}

function columnVariances(data: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] = (mean[a] as number) + (data[i * d + a] as number) / n;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const v = (data[i * d + a] as number) - (mean[a] as number);
      variance[a] = (variance[a] as number) + (v * v) / n;
    }
  }
  return variance;
}

function diagonalCovariances(type: CovarianceType, k: number, variances: Float64Array): Float64Array {
  const d = variances.length;
  const out = new Float64Array(covarianceLength(type, k, d));
  let average = 0;
  for (let a = 0; a < d; a++) average += (variances[a] as number) / d;
  switch (type) {
    case 'spherical':
      return out.fill(average);
    case 'diagonal':
      for (let c = 0; c < k; c++) out.set(variances, c * d);
      return out;
    case 'full':
    case 'tied': {
      const matrices = type === 'tied' ? 1 : k;
      for (let m = 0; m < matrices; m++) for (let a = 0; a < d; a++) out[m * d * d + a * d + a] = variances[a] as number;
      return out;
    }
  }
}

/** A copy of the data with NaN entries replaced by their column's mean (columns with no value: 0). */
export function imputeColumnMeans(x: DenseMatrix): Float64Array {
  const { rows: n, cols: d } = x;
  const sums = new Float64Array(d);
  const counts = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const v = x.data[i * d + a] as number;
      if (Number.isNaN(v)) continue;
      sums[a] = (sums[a] as number) + v;
      counts[a] = (counts[a] as number) + 1;
    }
  }
  const out = new Float64Array(x.data);
  for (let i = 0; i < n * d; i++) {
    if (Number.isNaN(out[i] as number)) {
      const a = i % d;
      out[i] = (counts[a] as number) > 0 ? (sums[a] as number) / (counts[a] as number) : 0;
    }
  }
  return out;
}
