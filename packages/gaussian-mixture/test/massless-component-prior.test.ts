import { DenseMatrix, fitEm } from '@em/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firstDecrease, gaussianMixtureModel, storageOf, type CovarianceModel } from './helpers.js';

// With the covariance prior, a component that receives no mass at all still carries the prior's
// term −(λ/2)·tr Σ_k⁻¹. The constrained M-step used to leave such a component out of the pooled
// (E) parts and keep its own volume, so the pooled update could lower that term: plain EM's
// objective fell (EEI by 1.2e-4, VEI by 1.3e-7, both far above round-off), and SQUAREM, whose
// extrapolation moves the massless component, exposed it in the accelerated-em law. The two
// cases are the counterexamples the law found (seeds in the fixture), K = 2, D = 3.
interface Case {
  readonly model: CovarianceModel;
  readonly found: string;
  readonly weights: number[];
  readonly means: number[];
  readonly covariances: number[];
  readonly rows: number;
  readonly cols: number;
  readonly observations: (number | null)[];
}

const cases = JSON.parse(readFileSync(new URL('./__fixtures__/massless-component-cases.json', import.meta.url), 'utf8')) as Case[];

describe('a massless component keeps its prior term in the constrained M-step', () => {
  for (const c of cases) {
    const model = gaussianMixtureModel({ components: 2, covariance: c.model, regCovar: 0.05, weightConcentration: 2, missingValues: true });
    const data = { observations: new DenseMatrix(Float64Array.from(c.observations, (v) => (v === null ? Number.NaN : v)), c.rows, c.cols) };
    const initialParameters = {
      weights: Float64Array.from(c.weights),
      components: { covarianceType: storageOf(c.model), dimension: c.cols, means: Float64Array.from(c.means), covariances: Float64Array.from(c.covariances) },
    };

    it(`${c.model}: plain EM never decreases the objective (${c.found})`, () => {
      const fit = fitEm(model, data, { initialParameters, maxIterations: 30, tolerance: 0 });
      expect(firstDecrease(fit.history)).toBe(-1);
    });

    it(`${c.model}: SQUAREM never decreases it and ends at plain EM's optimum`, () => {
      const fast = fitEm(model, data, { initialParameters, maxIterations: 1000, tolerance: 1e-13, toleranceRule: 'relative', acceleration: 'squarem' });
      expect(fast.acceleration).toBe('squarem');
      expect(firstDecrease(fast.history)).toBe(-1);
      const plain = fitEm(model, data, { initialParameters, maxIterations: 1000, tolerance: 1e-13, toleranceRule: 'relative' });
      expect(Math.abs(fast.objective - plain.objective)).toBeLessThanOrEqual(1e-7 * Math.abs(plain.objective));
    });
  }
});
