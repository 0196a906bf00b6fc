import { DenseMatrix, InvalidDataError, type ComponentFamily, type JsonValue, type MStepContext } from '@em/core';
import { covarianceLogPrior } from './covariance-prior.js';
import { componentCountOf, gaussianComponentsFromJSON, gaussianComponentsToJSON, validateGaussianComponents, type GaussianComponents } from './gaussian-components.js';
import { gaussianExpectedLogDensity, maximizeGaussian, type MaximizationSettings } from './gaussian-maximization.js';
import { gaussianSampler } from './gaussian-sampling.js';
import { scatterLayout, zeroGaussianStatistics, type GaussianStatistics, type ScatterLayout } from './gaussian-statistics.js';
import { initializeGaussianComponents, initializeGaussianComponentsFromLabels } from './initial-components.js';
import { kernelsFor } from './kernels/dispatch.js';
import { accumulateAtPairs, logDensitiesAtPairs } from './kernels/pair-list-kernel.js';
import {
  gaussianFamilyOptionsFromConfig,
  gaussianFamilyToConfig,
  resolveGaussianFamilyOptions,
  type GaussianFamilyOptions,
  type ResolvedGaussianFamilyOptions,
} from './options.js';
import { prepareGaussian, type PreparedGaussian } from './prepared-gaussian.js';
import { validateGaussianData } from './value-limit.js';
import { gaussianParameterMapFor } from './gaussian-parameter-map.js';
import { covarianceModelParameterCount } from './constrained/covariance-models.js';
import { validateCovarianceConstraint } from './constrained/covariance-constraint.js';

// The Gaussian family: densities (through the kernels of kernels/dispatch.ts), statistics and the
// M-step (gaussian-maximization.ts), over options resolved once in options.ts.

/** The Gaussian family as a core ComponentFamily over dense row-major data. */
export interface GaussianFamily extends ComponentFamily<GaussianComponents, DenseMatrix, GaussianStatistics, PreparedGaussian> {
  readonly options: ResolvedGaussianFamilyOptions;
  readonly layout: ScatterLayout;
}

/**
 * The Gaussian component family: K Gaussians with full, tied, diagonal or spherical covariances,
 * each with its own fused kernels (Cholesky per component in `prepare`, triangular solves in
 * `logDensities`, statistics about a reference near the data in `accumulate`). Serves the
 * Gaussian mixture and, as an emission family, the Gaussian HMM.
 */
export function gaussianFamily(options: GaussianFamilyOptions = {}): GaussianFamily {
  return gaussianFamilyOf(resolveGaussianFamilyOptions(options));
}

/** The family over options already resolved (the engine model and saved configs pass theirs on as they are). */
export function gaussianFamilyOf(resolved: ResolvedGaussianFamilyOptions): GaussianFamily {
  const { covariance: type, model, regCovar: strength, missingValues } = resolved;
  const layout = scatterLayout(type, missingValues);
  const kernels = kernelsFor(type, missingValues);
  const settings: MaximizationSettings = { ...resolved, layout };
  const config: JsonValue = gaussianFamilyToConfig(resolved);

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
    // Pair-list kernels for sparse E-steps (complete data; with missing values the sparse E-step
    // takes core's fallback, every density of the rows it needs).
    ...(missingValues
      ? {}
      : {
          logDensitiesAtPairs: (prepared: PreparedGaussian, x: DenseMatrix, rows: Int32Array, components: Int32Array, from: number, to: number, out: Float64Array) =>
            logDensitiesAtPairs(prepared, x.data, rows, components, from, to, out),
          accumulateAtPairs: (prepared: PreparedGaussian, stats: GaussianStatistics, x: DenseMatrix, rows: Int32Array, components: Int32Array, from: number, to: number, weights: Float64Array) =>
            accumulateAtPairs(prepared, stats, x.data, rows, components, from, to, weights),
        }),
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
    initializeFromLabels: (x, labels, sampleWeights, k, context) => initializeGaussianComponentsFromLabels(x, labels, sampleWeights, k, resolved, context),
    sample: gaussianSampler(),
    sampleDimension: (components) => components.dimension,
    componentsToJSON: gaussianComponentsToJSON,
    componentsFromJSON: gaussianComponentsFromJSON,
    shareData: (x) => x.toShared(),
  };
}

/** Rebuilds a family from its `config` (worker threads, saved models, HMM emissions). */
export function gaussianFamilyFromConfig(json: JsonValue): GaussianFamily {
  return gaussianFamilyOf(gaussianFamilyOptionsFromConfig(json));
}
