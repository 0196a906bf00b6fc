import {
  choleskyInPlace,
  DegenerateModelError,
  type DenseMatrix,
  InvalidDataError,
  InvalidParametersError,
  logDeterminantFromCholesky,
  type ComponentFamily,
  type JsonValue,
  type MStepContext,
  type Random,
} from '@em/core';

/**
 * The demo's own small Gaussian component family (used until @em/gaussian-mixture is available):
 * every covariance type is stored expanded as K full d×d matrices, and the type only changes how
 * the M-step pools and projects the scatter matrices.
 */
export type CovarianceType = 'full' | 'tied' | 'diagonal' | 'spherical';

export interface GaussianComponents {
  readonly dimension: number;
  /** K×d, row-major. */
  readonly means: Float64Array;
  /** K×d×d, row-major, symmetric positive definite. */
  readonly covariances: Float64Array;
}

export interface GaussianStatistics {
  /** Σ_i w_ik per component. */
  readonly mass: Float64Array;
  /** Σ_i w_ik x_i (K×d). */
  readonly sums: Float64Array;
  /** Σ_i w_ik x_i x_iᵀ (K×d×d). */
  readonly squares: Float64Array;
  readonly [key: string]: Float64Array;
}

interface PreparedGaussians {
  readonly k: number;
  readonly dimension: number;
  readonly means: Float64Array;
  /** Cholesky factors L_k (K×d×d). */
  readonly factors: Float64Array;
  /** −½ d log 2π − ½ log det Σ_k. */
  readonly constants: Float64Array;
  readonly scratch: Float64Array;
}

const LOG_TWO_PI = Math.log(2 * Math.PI);

export interface GaussianFamilyOptions {
  readonly covariance: CovarianceType;
  /** Added to every covariance diagonal after the M-step (scikit-learn's reg_covar; default 1e-6). */
  readonly regularization?: number;
}

export function gaussianFamily(options: GaussianFamilyOptions): ComponentFamily<GaussianComponents, DenseMatrix, GaussianStatistics, PreparedGaussians> {
  const covarianceType = options.covariance;
  const regularization = options.regularization ?? 1e-6;

  function componentCount(components: GaussianComponents): number {
    return components.means.length / components.dimension;
  }

  function prepare(components: GaussianComponents): PreparedGaussians {
    const d = components.dimension;
    const k = componentCount(components);
    const factors = new Float64Array(k * d * d);
    const constants = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const failed = choleskyInPlace(components.covariances, d, factors, j * d * d, j * d * d);
      if (failed >= 0) {
        throw new DegenerateModelError(
          `The covariance of component ${j} is not positive definite (pivot ${failed}).`,
          'Use fewer components, a simpler covariance type (diagonal or spherical), or another seed.',
          { component: j },
        );
      }
      constants[j] = -0.5 * d * LOG_TWO_PI - 0.5 * logDeterminantFromCholesky(factors, d, j * d * d);
    }
    return { k, dimension: d, means: components.means, factors, constants, scratch: new Float64Array(d) };
  }

  function logDensities(prepared: PreparedGaussians, x: DenseMatrix, start: number, end: number, out: Float64Array): void {
    const { k, dimension: d, means, factors, constants, scratch } = prepared;
    const data = x.data;
    for (let i = start; i < end; i++) {
      const row = i * d;
      const base = (i - start) * k;
      for (let j = 0; j < k; j++) {
        // Mahalanobis distance through forward substitution L y = x − μ: ‖y‖².
        const factor = j * d * d;
        let distance = 0;
        for (let a = 0; a < d; a++) {
          let sum = (data[row + a] as number) - (means[j * d + a] as number);
          for (let b = 0; b < a; b++) sum -= (factors[factor + a * d + b] as number) * (scratch[b] as number);
          const y = sum / (factors[factor + a * d + a] as number);
          scratch[a] = y;
          distance += y * y;
        }
        out[base + j] = (constants[j] as number) - 0.5 * distance;
      }
    }
  }

  function zeroStatistics(components: GaussianComponents): GaussianStatistics {
    const d = components.dimension;
    const k = componentCount(components);
    return { mass: new Float64Array(k), sums: new Float64Array(k * d), squares: new Float64Array(k * d * d) };
  }

  function accumulateRows(stats: GaussianStatistics, data: Float64Array, d: number, k: number, start: number, end: number, weights: Float64Array): void {
    const { mass, sums, squares } = stats;
    for (let i = start; i < end; i++) {
      const row = i * d;
      const base = (i - start) * k;
      for (let j = 0; j < k; j++) {
        const w = weights[base + j] as number;
        if (w === 0) continue;
        mass[j] = (mass[j] as number) + w;
        for (let a = 0; a < d; a++) {
          const xa = data[row + a] as number;
          sums[j * d + a] = (sums[j * d + a] as number) + w * xa;
          for (let b = 0; b < d; b++) {
            const index = j * d * d + a * d + b;
            squares[index] = (squares[index] as number) + w * xa * (data[row + b] as number);
          }
        }
      }
    }
  }

  /** Means and covariances from statistics, pooled/projected for the covariance type. */
  function maximize(stats: GaussianStatistics, previous: GaussianComponents, context: MStepContext): GaussianComponents {
    const d = previous.dimension;
    const k = componentCount(previous);
    const means = new Float64Array(k * d);
    const covariances = new Float64Array(k * d * d);
    const empty: boolean[] = [];
    let totalMass = 0;
    for (let j = 0; j < k; j++) {
      const n = stats.mass[j] as number;
      totalMass += n;
      empty.push(!(n > 1e-10));
      if (empty[j] === true) {
        context.report({
          type: 'degenerate-component',
          iteration: context.iteration,
          component: j,
          reason: 'vanishing-weight',
          message: `Component ${j} received no responsibility; its mean and covariance are kept.`,
          action: 'kept-previous',
        });
        means.set(previous.means.subarray(j * d, (j + 1) * d), j * d);
        covariances.set(previous.covariances.subarray(j * d * d, (j + 1) * d * d), j * d * d);
        continue;
      }
      for (let a = 0; a < d; a++) means[j * d + a] = (stats.sums[j * d + a] as number) / n;
      // Σ_k = S_k / N_k − μ_k μ_kᵀ (the weighted scatter about the new mean).
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const index = j * d * d + a * d + b;
          covariances[index] = (stats.squares[index] as number) / n - (means[j * d + a] as number) * (means[j * d + b] as number);
        }
      }
    }
    if (covarianceType === 'tied') {
      // One Σ = Σ_k N_k Σ_k / N shared by every component.
      const pooled = new Float64Array(d * d);
      for (let j = 0; j < k; j++) {
        const n = stats.mass[j] as number;
        for (let e = 0; e < d * d; e++) pooled[e] = (pooled[e] as number) + n * (covariances[j * d * d + e] as number);
      }
      for (let e = 0; e < d * d; e++) pooled[e] = (pooled[e] as number) / totalMass;
      for (let j = 0; j < k; j++) covariances.set(pooled, j * d * d);
    }
    for (let j = 0; j < k; j++) {
      if (empty[j] === true && covarianceType !== 'tied') continue;
      const offset = j * d * d;
      if (covarianceType === 'diagonal' || covarianceType === 'spherical') {
        let trace = 0;
        for (let a = 0; a < d; a++) trace += covariances[offset + a * d + a] as number;
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < d; b++) {
            if (a !== b) covariances[offset + a * d + b] = 0;
            else if (covarianceType === 'spherical') covariances[offset + a * d + b] = trace / d;
          }
        }
      }
      for (let a = 0; a < d; a++) covariances[offset + a * d + a] = (covariances[offset + a * d + a] as number) + regularization;
    }
    return { dimension: d, means, covariances };
  }

  function expectedLogDensity(components: GaussianComponents, stats: GaussianStatistics): number {
    // Σ_k [N_k c_k − ½ tr(Σ_k⁻¹ (S_k − 2 s_k μ_kᵀ + N_k μ_k μ_kᵀ))], through the Cholesky factors.
    const prepared = prepare(components);
    const d = components.dimension;
    const k = prepared.k;
    let total = 0;
    const column = new Float64Array(d);
    for (let j = 0; j < k; j++) {
      const n = stats.mass[j] as number;
      if (n === 0) continue;
      const scatter = new Float64Array(d * d);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const ma = components.means[j * d + a] as number;
          const mb = components.means[j * d + b] as number;
          scatter[a * d + b] =
            (stats.squares[j * d * d + a * d + b] as number) - (stats.sums[j * d + a] as number) * mb - ma * (stats.sums[j * d + b] as number) + n * ma * mb;
        }
      }
      // tr(Σ⁻¹ M) = Σ_b ‖L⁻¹ M e_b‖ projected: compute Σ⁻¹ M column by column.
      let trace = 0;
      const factor = j * d * d;
      for (let b = 0; b < d; b++) {
        for (let a = 0; a < d; a++) {
          let sum = scatter[a * d + b] as number;
          for (let c = 0; c < a; c++) sum -= (prepared.factors[factor + a * d + c] as number) * (column[c] as number);
          column[a] = sum / (prepared.factors[factor + a * d + a] as number);
        }
        for (let a = d - 1; a >= 0; a--) {
          let sum = column[a] as number;
          for (let c = a + 1; c < d; c++) sum -= (prepared.factors[factor + c * d + a] as number) * (column[c] as number);
          column[a] = sum / (prepared.factors[factor + a * d + a] as number);
        }
        trace += column[b] as number;
      }
      total += n * (prepared.constants[j] as number) - 0.5 * trace;
    }
    return total;
  }

  function freeParameterCount(components: GaussianComponents): number {
    const d = components.dimension;
    const k = componentCount(components);
    const perCovariance = { full: (k * d * (d + 1)) / 2, tied: (d * (d + 1)) / 2, diagonal: k * d, spherical: k }[covarianceType];
    return k * d + perCovariance;
  }

  return {
    name: 'demo-gaussian',
    config: { covariance: covarianceType, regularization },
    componentCount,
    observationCount: (x) => x.rows,
    sliceObservations: (x, start, end) => x.sliceRows(start, end),
    validateData(x, components) {
      if (components !== undefined && x.cols !== components.dimension) {
        throw new InvalidDataError(`The data has ${x.cols} columns but the components have ${components.dimension}.`, 'Fit on data with the same columns.');
      }
      for (let e = 0; e < x.data.length; e++) {
        if (!Number.isFinite(x.data[e] as number)) {
          throw new InvalidDataError(`Row ${Math.floor(e / x.cols)}, column ${e % x.cols} is not a finite number.`, 'Remove or impute that value.', {
            row: Math.floor(e / x.cols),
            column: e % x.cols,
          });
        }
      }
    },
    validateComponents(components) {
      if (components.covariances.length !== componentCount(components) * components.dimension ** 2) {
        throw new InvalidParametersError('covariances must hold one d×d matrix per component.', 'Give K·d·d values.');
      }
      prepare(components);
    },
    prepare,
    logDensities,
    zeroStatistics,
    accumulate(_prepared, stats, x, start, end, weights) {
      accumulateRows(stats, x.data, x.cols, stats.mass.length, start, end, weights);
    },
    maximize,
    expectedLogDensity,
    logPrior: () => 0,
    freeParameterCount,
    initializeFromWeights(x, weights, k, context) {
      const stats: GaussianStatistics = { mass: new Float64Array(k), sums: new Float64Array(k * x.cols), squares: new Float64Array(k * x.cols * x.cols) };
      accumulateRows(stats, x.data, x.cols, k, 0, x.rows, weights);
      const identity = new Float64Array(k * x.cols * x.cols);
      for (let j = 0; j < k; j++) for (let a = 0; a < x.cols; a++) identity[j * x.cols * x.cols + a * x.cols + a] = 1;
      return maximize(stats, { dimension: x.cols, means: new Float64Array(k * x.cols), covariances: identity }, context);
    },
    sample(components, j, random: Random, out) {
      const d = components.dimension;
      const factor = new Float64Array(d * d);
      choleskyInPlace(components.covariances, d, factor, j * d * d, 0);
      const z = new Float64Array(d);
      for (let a = 0; a < d; a++) z[a] = random.normal();
      for (let a = 0; a < d; a++) {
        let sum = components.means[j * d + a] as number;
        for (let b = 0; b <= a; b++) sum += (factor[a * d + b] as number) * (z[b] as number);
        out[a] = sum;
      }
    },
    sampleDimension: (components) => components.dimension,
    componentsToJSON: (components): JsonValue => ({
      dimension: components.dimension,
      means: Array.from(components.means),
      covariances: Array.from(components.covariances),
    }),
    componentsFromJSON(json) {
      const record = json as { dimension: number; means: number[]; covariances: number[] };
      return { dimension: record.dimension, means: Float64Array.from(record.means), covariances: Float64Array.from(record.covariances) };
    },
  };
}
