import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixtures from './__fixtures__/sklearn-trajectories.json' with { type: 'json' };
import { useSimdKernels } from '../src/kernels/simd.js';
import { GaussianMixture, type CovarianceType, type GaussianMixtureInitialParameters } from './helpers.js';

// Without WebAssembly SIMD (old browsers), the TypeScript kernels must give the same trajectories.
describe('TypeScript kernels (WebAssembly SIMD switched off) agree with scikit-learn', () => {
  beforeAll(() => useSimdKernels(false));
  afterAll(() => useSimdKernels(true));
  const dataset = fixtures.datasets.synthetic3d as unknown as { data: number[][]; cases: Array<{ covarianceType: string; components: number; iterations: number; init: GaussianMixtureInitialParameters; logLikelihood: number[] }> };
  for (const c of dataset.cases) {
    it(c.covarianceType, () => {
      const fit = new GaussianMixture({ components: c.components, covariance: c.covarianceType as CovarianceType, regCovar: 0, tolerance: 0, maxIterations: c.iterations, init: c.init }).fit(dataset.data);
      fit.logLikelihoodHistory.forEach((v, t) => expect(Math.abs(v - (c.logLikelihood[t] as number)) / Math.abs(c.logLikelihood[t] as number)).toBeLessThan(1e-10));
    });
  }
});
