import { choleskyInPlace, asymmetry } from '@em/core';
import { describe, expect, it } from 'vitest';
import { COVARIANCE_TYPES, denseCovariance, faithful, firstDecrease, GaussianMixture } from './helpers.js';

const data = faithful();

describe.each(COVARIANCE_TYPES)('invariants of a fitted %s mixture on Old Faithful', (covariance) => {
  for (const init of ['kmeans', 'kmeans++', 'random', 'random-points'] as const) {
    it(`init ${init}: responsibilities sum to 1, weights on the simplex, covariances symmetric positive definite, objective never decreases`, () => {
      const model = new GaussianMixture({ components: 3, covariance, init, seed: 7, tolerance: 0, maxIterations: 30 });
      const fit = model.fit(data);
      expect(firstDecrease(fit.history)).toBe(-1);
      expect(fit.history).toHaveLength(fit.iterations + 1);
      for (const row of model.predictProba(data)) {
        expect(row.every((p) => p >= 0 && p <= 1)).toBe(true);
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      }
      const weights = model.parameters.weights;
      expect(weights.every((w) => w >= 0)).toBe(true);
      expect(Math.abs(weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      const state = model.modelParameters;
      const d = state.components.dimension;
      const matrix = new Float64Array(d * d);
      const factor = new Float64Array(d * d);
      for (let k = 0; k < 3; k++) {
        denseCovariance(state.components, k, matrix);
        expect(asymmetry(matrix, d)).toBe(0);
        expect(choleskyInPlace(matrix, d, factor)).toBe(-1);
      }
      // The prior is part of the objective: history = logL + logPrior.
      expect(fit.objective).toBeCloseTo(fit.logLikelihood + fit.logPrior, 9);
      expect(fit.logPrior).toBeLessThan(0);
    });
  }
});

describe('numerics', () => {
  it('is translation invariant far from the origin (statistics are centred near the data)', () => {
    const shift = [1e7, -3e6];
    const shifted = data.map((row) => row.map((v, j) => v + (shift[j] as number)));
    for (const covariance of COVARIANCE_TYPES) {
      const init = { weights: [0.4, 0.6], means: [[2, 55], [4.5, 80]], covariances: covariance === 'full' ? [[[1, 0], [0, 30]], [[1, 0], [0, 30]]] : covariance === 'tied' ? [[1, 0], [0, 30]] : covariance === 'diagonal' ? [[1, 30], [1, 30]] : [10, 10] };
      const shiftedInit = { ...init, means: init.means.map((m) => m.map((v, j) => v + (shift[j] as number))) };
      const a = new GaussianMixture({ components: 2, covariance, regCovar: 0, tolerance: 0, maxIterations: 20, init }).fit(data);
      const b = new GaussianMixture({ components: 2, covariance, regCovar: 0, tolerance: 0, maxIterations: 20, init: shiftedInit }).fit(shifted);
      for (let t = 0; t <= 20; t++) {
        const x = a.logLikelihoodHistory[t] as number;
        // Data at 1e7 carries only ~9 significant digits of its own (ulp(1e7) ≈ 2e-9).
        expect(Math.abs((b.logLikelihoodHistory[t] as number) - x) / Math.abs(x)).toBeLessThan(1e-6);
      }
      const pa = a.parameters.covariances.flat(2) as number[];
      const pb = b.parameters.covariances.flat(2) as number[];
      pa.forEach((v, i) => expect(Math.abs((pb[i] as number) - v) / Math.max(1e-3, Math.abs(v))).toBeLessThan(1e-5));
    }
  });

  it('reports a collapsing component instead of producing NaN, and keeps finite parameters', () => {
    // Two well-separated groups and a third component started on one duplicated point.
    const rows = [...data, [10, 10], [10, 10], [10, 10]];
    const events: string[] = [];
    const model = new GaussianMixture({
      components: 3,
      covariance: 'full',
      regCovar: 0,
      tolerance: 0,
      maxIterations: 30,
      init: { weights: [0.49, 0.49, 0.02], means: [[2, 55], [4.5, 80], [10, 10.01]], covariances: [[[1, 0], [0, 30]], [[1, 0], [0, 30]], [[0.01, 0], [0, 0.01]]] },
    });
    const fit = model.fit(rows, { onEvent: (e) => events.push(e.type === 'degenerate-component' ? `${e.reason}:${e.component}:${e.action}` : e.type) });
    expect(events.some((e) => e.startsWith('collapsing-variance:2') || e.startsWith('singular-covariance:2'))).toBe(true);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
    expect((model.parameters.covariances.flat(2) as number[]).every(Number.isFinite)).toBe(true);
    expect(firstDecrease(fit.history)).toBe(-1);
  });

  it("stops with DegenerateModelError naming the component when onDegenerate is 'error'", async () => {
    const { gaussianMixtureModel, DenseMatrix, fitEm } = await import('./imports.js');
    const rows = [...data, [10, 10], [10, 10], [10, 10]];
    const model = gaussianMixtureModel({ components: 3, regCovar: 0, onDegenerate: 'error' });
    const initialParameters = {
      weights: Float64Array.from([0.49, 0.49, 0.02]),
      components: { covarianceType: 'full' as const, dimension: 2, means: Float64Array.from([2, 55, 4.5, 80, 10, 10.01]), covariances: Float64Array.from([1, 0, 0, 30, 1, 0, 0, 30, 0.01, 0, 0, 0.01]) },
    };
    expect(() => fitEm(model, { observations: DenseMatrix.from(rows) }, { initialParameters, maxIterations: 30, tolerance: 0 })).toThrow(/Component 2.*(regCovar|fewer components)/s);
  });
});
