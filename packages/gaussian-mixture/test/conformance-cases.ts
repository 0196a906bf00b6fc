import { seedArbitrary, simplexArbitrary, spdMatrixArbitrary, type EmConformanceOptions } from '@em/conformance';
import { DenseMatrix, Random, type MixtureData } from '@em/core';
import fc from 'fast-check';
import { gaussianMixtureModel, type CovarianceModel, type CovarianceType, type GaussianMixtureState, type GaussianStatistics, type MixtureStatisticsOf } from './helpers.js';

// Conformance cases for every covariance type: plain maximum likelihood, with the covariance and
// weight priors and sample weights, and with the priors and missing values (NaN entries).
const K = 2;
const D = 2;

export type Variant = 'maximum likelihood' | 'prior + sample weights' | 'prior + missing values';
export const VARIANTS: readonly Variant[] = ['maximum likelihood', 'prior + sample weights', 'prior + missing values'];

function covarianceArbitrary(type: CovarianceType): fc.Arbitrary<Float64Array> {
  const variance = fc.double({ min: 0.2, max: 4, noNaN: true });
  switch (type) {
    case 'full':
      return fc.array(spdMatrixArbitrary(D, { ridge: 0.2, scale: 1.5 }), { minLength: K, maxLength: K }).map((ms) => {
        const out = new Float64Array(K * D * D);
        ms.forEach((m, k) => out.set(m, k * D * D));
        return out;
      });
    case 'tied':
      return spdMatrixArbitrary(D, { ridge: 0.2, scale: 1.5 });
    case 'diagonal':
      return fc.array(variance, { minLength: K * D, maxLength: K * D }).map((v) => Float64Array.from(v));
    case 'spherical':
      return fc.array(variance, { minLength: K, maxLength: K }).map((v) => Float64Array.from(v));
  }
}

function parametersArbitrary(type: CovarianceType): fc.Arbitrary<GaussianMixtureState> {
  return fc
    .record({
      weights: simplexArbitrary(K, { minimum: 0.15 }),
      means: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: K * D, maxLength: K * D }),
      covariances: covarianceArbitrary(type),
    })
    .map(({ weights, means, covariances }) => ({ weights, components: { covarianceType: type, dimension: D, means: Float64Array.from(means), covariances } }));
}

/** A nearby valid θ: weights and variances moved multiplicatively, means additively, matrices by A·Σ·Aᵀ. */
function perturb(parameters: GaussianMixtureState, random: Random): GaussianMixtureState {
  const weights = new Float64Array(K);
  let total = 0;
  for (let k = 0; k < K; k++) {
    weights[k] = (parameters.weights[k] as number) * Math.exp(0.05 * random.normal());
    total += weights[k] as number;
  }
  for (let k = 0; k < K; k++) weights[k] = (weights[k] as number) / total;
  const c = parameters.components;
  const means = c.means.map((m) => m + 0.05 * random.normal());
  let covariances: Float64Array;
  if (c.covarianceType === 'diagonal' || c.covarianceType === 'spherical') {
    covariances = c.covariances.map((v) => v * Math.exp(0.05 * random.normal()));
  } else {
    covariances = new Float64Array(c.covariances.length);
    for (let m = 0; m < c.covariances.length / (D * D); m++) {
      const a = new Float64Array(D * D);
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) a[i * D + j] = (i === j ? 1 : 0) + 0.03 * random.normal();
      for (let i = 0; i < D; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let p = 0; p < D; p++) for (let q = 0; q < D; q++) s += (a[i * D + p] as number) * (c.covariances[m * D * D + p * D + q] as number) * (a[j * D + q] as number);
          covariances[m * D * D + i * D + j] = s;
          covariances[m * D * D + j * D + i] = s;
        }
      }
    }
  }
  return { weights, components: { ...c, means, covariances } };
}

export function conformanceOptions(
  type: CovarianceType,
  variant: Variant,
  runs: number,
): EmConformanceOptions<GaussianMixtureState, MixtureData<DenseMatrix>, MixtureStatisticsOf<GaussianStatistics>> {
  // Without a prior, small samples let a component sit on two or three points, where the
  // likelihood is unbounded and round-off decides the path: maximum-likelihood cases get more rows.
  const cases = variantCases(type, variant, runs, { components: K, dimension: D, parameters: parametersArbitrary(type), priorRows: [14, 40], maximumLikelihoodRows: [40, 80], missingRate: 0.25 });
  return { ...cases, perturb, wellSeparatedCase: wellSeparatedCase(cases.model) };
}

/** What a covariance's cases need beyond the variant: the shape of its parameters and data. */
export interface CaseShape {
  readonly components: number;
  readonly dimension: number;
  readonly parameters: fc.Arbitrary<GaussianMixtureState>;
  /** [min, max] rows of a drawn data set, with a prior and without. */
  readonly priorRows: readonly [number, number];
  readonly maximumLikelihoodRows: readonly [number, number];
  /** Chance that a row loses one entry (NaN) in the missing-values variant. */
  readonly missingRate: number;
}

/**
 * The model, arbitrary parameters and data of one variant, for any covariance (the classic types
 * here, mclust's models in constrained-cases.ts). Data are drawn from independently generated
 * parameters, so EM has somewhere to go.
 */
export function variantCases(covariance: CovarianceType | CovarianceModel, variant: Variant, runs: number, shape: CaseShape) {
  const prior = variant !== 'maximum likelihood';
  const missingValues = variant === 'prior + missing values';
  const d = shape.dimension;
  const build = () =>
    gaussianMixtureModel({ components: shape.components, covariance, regCovar: prior ? 0.05 : 0, init: prior ? 'kmeans' : 'random', ...(prior ? { weightConcentration: 2 } : {}), missingValues });
  const [minRows, maxRows] = prior ? shape.priorRows : shape.maximumLikelihoodRows;
  return {
    model: build,
    runs,
    arbitraryParameters: shape.parameters,
    arbitraryData: fc.tuple(shape.parameters, fc.integer({ min: minRows, max: maxRows }), seedArbitrary()).map(([truth, rows, seed]): MixtureData<DenseMatrix> => {
      const random = new Random(seed);
      const drawn = build().sample(truth, rows, random);
      const data = drawn.observations;
      if (missingValues) for (let i = 0; i < rows; i++) if (random.next() < shape.missingRate) data[i * d + random.integer(d)] = Number.NaN;
      const observations = new DenseMatrix(data, rows, d);
      if (variant !== 'prior + sample weights') return { observations };
      const sampleWeights = new Float64Array(rows);
      for (let i = 0; i < rows; i++) sampleWeights[i] = [0, 0.5, 1, 2, 3][random.integer(5)] as number;
      sampleWeights[0] = 1;
      return { observations, sampleWeights };
    }),
  };
}

/** K clusters 12 σ apart and a start at rows near (not at) their centres: plain and accelerated EM must reach the same optimum. */
function wellSeparatedCase(build: () => ReturnType<typeof gaussianMixtureModel>): { parameters: GaussianMixtureState; data: MixtureData<DenseMatrix> } {
  const random = new Random(14);
  const rows = 120;
  const data = new Float64Array(rows * D);
  for (let i = 0; i < rows; i++) for (let d = 0; d < D; d++) data[i * D + d] = 12 * ((i % K) + d * (i % K)) + random.normal();
  const observations = new DenseMatrix(data, rows, D);
  const parameters = build().initialize({ observations }, new Random(3));
  return { parameters, data: { observations } };
}
