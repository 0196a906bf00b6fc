// Small component families written for core's own tests: a 1-D Gaussian with known variance
// (optionally with a conjugate normal prior on the means) and a Poisson family. The Poisson one
// is not @em/poisson-mixture's: core cannot depend on a model package (that package depends on
// core), and this copy deliberately allows rates of 0 to test impossible observations.
import {
  createMixtureModel,
  DenseMatrix,
  InvalidParametersError,
  logGamma,
  Random,
  xLogY,
  type ComponentFamily,
  type MixtureModel,
  type MixtureOptions,
} from '../../src/index.js';

export interface MeanComponents {
  readonly means: Float64Array;
}

export interface MeanStatistics {
  readonly [key: string]: Float64Array;
  readonly mass: Float64Array;
  readonly sum: Float64Array;
}

export interface GaussianFamilyOptions {
  /** Known variance σ² of every component (default 1). */
  readonly variance?: number;
  /** κ > 0 puts a N(0, σ²/κ) prior on every mean (default 0: maximum likelihood). */
  readonly priorStrength?: number;
}

/** 1-D Gaussian components N(μ_k, σ²) with σ² known; observations are n×1 dense matrices. */
export function gaussianFamily(options: GaussianFamilyOptions = {}): ComponentFamily<MeanComponents, DenseMatrix, MeanStatistics> {
  const variance = options.variance ?? 1;
  const kappa = options.priorStrength ?? 0;
  const logNormalizer = -0.5 * Math.log(2 * Math.PI * variance);
  const family: ComponentFamily<MeanComponents, DenseMatrix, MeanStatistics> = {
    name: 'test-gaussian',
    config: { variance, priorStrength: kappa },
    parameterMap: {
      toUnconstrained: (c) => Float64Array.from(c.means),
      fromUnconstrained: (vector) => ({ means: Float64Array.from(vector) }),
    },
    componentCount: (c) => c.means.length,
    observationCount: (x) => x.rows,
    sliceObservations: (x, start, end) => x.sliceRows(start, end),
    validateData: (x) => {
      x.validate({ name: 'observations' });
    },
    validateComponents: (c) => {
      c.means.forEach((m, k) => {
        if (!Number.isFinite(m)) throw new InvalidParametersError(`means[${k}] = ${m} is not finite.`, 'Use finite means.');
      });
    },
    prepare: (c) => c,
    logDensities(prepared, x, start, end, out) {
      const means = (prepared as MeanComponents).means;
      const k = means.length;
      for (let i = start; i < end; i++) {
        const v = x.data[i] as number;
        for (let j = 0; j < k; j++) {
          const d = v - (means[j] as number);
          out[(i - start) * k + j] = logNormalizer - (d * d) / (2 * variance);
        }
      }
    },
    zeroStatistics: (c) => ({ mass: new Float64Array(c.means.length), sum: new Float64Array(c.means.length) }),
    accumulate(_prepared, stats, x, start, end, weights) {
      const k = stats.mass.length;
      for (let i = start; i < end; i++) {
        const v = x.data[i] as number;
        for (let j = 0; j < k; j++) {
          const w = weights[(i - start) * k + j] as number;
          stats.mass[j] = (stats.mass[j] as number) + w;
          stats.sum[j] = (stats.sum[j] as number) + w * v;
        }
      }
    },
    maximize(stats, previous) {
      return {
        means: Float64Array.from(stats.mass, (m, j) =>
          m + kappa > 0 ? (stats.sum[j] as number) / (m + kappa) : (previous.means[j] as number),
        ),
      };
    },
    expectedLogDensity(c, stats) {
      // Σ_k (μ_k·S_k − N_k μ_k²/2)/σ² + N_k·log normaliser (the Σ w x² term is constant in θ).
      let q = 0;
      for (let j = 0; j < c.means.length; j++) {
        const m = c.means[j] as number;
        q += ((stats.sum[j] as number) * m - ((stats.mass[j] as number) * m * m) / 2) / variance + (stats.mass[j] as number) * logNormalizer;
      }
      return q;
    },
    logPrior(c) {
      if (kappa === 0) return 0;
      let value = 0;
      for (const m of c.means) value += 0.5 * Math.log(kappa / (2 * Math.PI * variance)) - (kappa * m * m) / (2 * variance);
      return value;
    },
    freeParameterCount: (c) => c.means.length,
    initializeFromWeights(x, weights, k) {
      const stats = family.zeroStatistics({ means: new Float64Array(k) });
      family.accumulate(undefined, stats, x, 0, x.rows, weights);
      return { means: Float64Array.from(stats.mass, (m, j) => (m > 0 ? (stats.sum[j] as number) / m : 0)) };
    },
    sample(c, k, random, out) {
      out[0] = (c.means[k] as number) + Math.sqrt(variance) * random.normal();
    },
    sampleDimension: () => 1,
    componentsToJSON: (c) => ({ means: Array.from(c.means) }),
    componentsFromJSON: (json) => ({ means: Float64Array.from((json as { means: number[] }).means) }),
  };
  return family;
}

export interface RateComponents {
  readonly rates: Float64Array;
}

/** Poisson components (rates may be 0, which makes positive counts impossible). */
export function poissonFamily(): ComponentFamily<RateComponents, DenseMatrix, MeanStatistics> {
  const family: ComponentFamily<RateComponents, DenseMatrix, MeanStatistics> = {
    name: 'test-poisson',
    config: {},
    componentCount: (c) => c.rates.length,
    observationCount: (x) => x.rows,
    sliceObservations: (x, start, end) => x.sliceRows(start, end),
    validateData: (x) => {
      x.validate({ name: 'counts', nonNegative: true, integer: true });
    },
    validateComponents: (c) => {
      c.rates.forEach((r, k) => {
        if (!(r >= 0) || !Number.isFinite(r)) throw new InvalidParametersError(`rates[${k}] = ${r} is not a finite rate ≥ 0.`, 'Use rates ≥ 0.');
      });
    },
    prepare: (c) => c,
    logDensities(prepared, x, start, end, out) {
      const rates = (prepared as RateComponents).rates;
      const k = rates.length;
      for (let i = start; i < end; i++) {
        const v = x.data[i] as number;
        const lg = logGamma(v + 1);
        for (let j = 0; j < k; j++) out[(i - start) * k + j] = xLogY(v, rates[j] as number) - (rates[j] as number) - lg;
      }
    },
    zeroStatistics: (c) => ({ mass: new Float64Array(c.rates.length), sum: new Float64Array(c.rates.length) }),
    accumulate(_prepared, stats, x, start, end, weights) {
      const k = stats.mass.length;
      for (let i = start; i < end; i++) {
        const v = x.data[i] as number;
        for (let j = 0; j < k; j++) {
          const w = weights[(i - start) * k + j] as number;
          stats.mass[j] = (stats.mass[j] as number) + w;
          stats.sum[j] = (stats.sum[j] as number) + w * v;
        }
      }
    },
    maximize: (stats, previous) => ({
      rates: Float64Array.from(stats.mass, (m, j) => (m > 0 ? (stats.sum[j] as number) / m : (previous.rates[j] as number))),
    }),
    expectedLogDensity(c, stats) {
      let q = 0;
      for (let j = 0; j < c.rates.length; j++) q += xLogY(stats.sum[j] as number, c.rates[j] as number) - (stats.mass[j] as number) * (c.rates[j] as number);
      return q;
    },
    logPrior: () => 0,
    freeParameterCount: (c) => c.rates.length,
    initializeFromWeights(x, weights, k) {
      const stats = family.zeroStatistics({ rates: new Float64Array(k) });
      family.accumulate(undefined, stats, x, 0, x.rows, weights);
      return { rates: Float64Array.from(stats.mass, (m, j) => (m > 0 ? (stats.sum[j] as number) / m : 1)) };
    },
    sample(c, k, random, out) {
      // Inverse-CDF draw (small rates only in tests).
      const rate = c.rates[k] as number;
      let u = random.next();
      let value = 0;
      let p = Math.exp(-rate);
      while (u > p && value < 1000) {
        u -= p;
        value++;
        p *= rate / value;
      }
      out[0] = value;
    },
    sampleDimension: () => 1,
    componentsToJSON: (c) => ({ rates: Array.from(c.rates) }),
    componentsFromJSON: (json) => ({ rates: Float64Array.from((json as { rates: number[] }).rates) }),
  };
  return family;
}

export type GaussianMixture = MixtureModel<MeanComponents, DenseMatrix, MeanStatistics>;

export function gaussianMixture(
  components: number,
  family: GaussianFamilyOptions = {},
  options: Omit<MixtureOptions<DenseMatrix>, 'components'> = {},
): GaussianMixture {
  return createMixtureModel(gaussianFamily(family), { components, ...options }) as GaussianMixture;
}

/** n draws from Σ_k w_k N(μ_k, 1) as an n×1 matrix (seeded). */
export function gaussianSample(n: number, weights: readonly number[], means: readonly number[], seed: number, sd = 1): DenseMatrix {
  const random = new Random(seed);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = random.categorical(weights);
    data[i] = (means[k] as number) + sd * random.normal();
  }
  return DenseMatrix.fromArray(data, n, 1);
}

/** Sorted copy (for comparing label-switched means). */
export function sorted(values: ArrayLike<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}
