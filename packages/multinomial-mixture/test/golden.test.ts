import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/multinomial-mixture-em-steps.json' with { type: 'json' };
import { MultinomialMixture, logMultinomialCoefficient } from '../src/index.js';
import { CsrMatrix, DenseMatrix } from '@em/core';

// Golden values: numpy EM, agreeing with R mixtools multmixEM (which includes the multinomial coefficient).
const close = (actual: number, expected: number, tolerance = 1e-9): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
};

describe('multinomial mixture against golden.json multinomial_mixture_em_steps', () => {
  for (const layout of ['dense', 'sparse'] as const) {
    const data = layout === 'dense' ? DenseMatrix.from(fixture.counts) : CsrMatrix.fromDense(fixture.counts);

    it(`reproduces two EM steps (${layout})`, () => {
      const model = new MultinomialMixture({ components: 2, pseudocount: 0 });
      const summary = model.fit(data, { initialParameters: fixture.init, maxIterations: 2, tolerance: 0 });
      expect(summary.iterations).toBe(2);
      summary.logLikelihoodHistoryWithCoefficient.forEach((value, t) => close(value, fixture.logLikelihoodBeforeStep.withMultinomialCoefficient[t] as number));
      summary.logLikelihoodHistory.forEach((value, t) => close(value, fixture.logLikelihoodBeforeStep.withoutCoefficient[t] as number));
      const last = fixture.after[1] as { weights: number[]; probabilities: number[][] };
      summary.parameters.weights.forEach((w, k) => close(w, last.weights[k] as number));
      summary.parameters.probabilities.forEach((row, k) => row.forEach((p, v) => close(p, (last.probabilities[k] as number[])[v] as number)));
    });

    it(`reproduces the first EM step (${layout})`, () => {
      const model = new MultinomialMixture({ components: 2, pseudocount: 0 });
      const summary = model.fit(data, { initialParameters: fixture.init, maxIterations: 1, tolerance: 0 });
      const first = fixture.after[0] as { weights: number[]; probabilities: number[][] };
      summary.parameters.weights.forEach((w, k) => close(w, first.weights[k] as number));
      summary.parameters.probabilities.forEach((row, k) => row.forEach((p, v) => close(p, (first.probabilities[k] as number[])[v] as number)));
    });

    it(`converges to the golden optimum (${layout})`, () => {
      const model = new MultinomialMixture({ components: 2, pseudocount: 0 });
      const summary = model.fit(data, { initialParameters: fixture.init, maxIterations: 1000, tolerance: fixture.converged.tolerance, toleranceRule: 'absolute' });
      expect(summary.converged).toBe(true);
      close(summary.logLikelihoodWithCoefficient, fixture.converged.logLikelihoodWithCoefficient);
      summary.parameters.weights.forEach((w, k) => close(w, fixture.converged.weights[k] as number, 1e-8));
    });
  }

  it('reports the multinomial coefficient as the difference of the two golden log-likelihoods', () => {
    const with_ = fixture.logLikelihoodBeforeStep.withMultinomialCoefficient[0] as number;
    const without = fixture.logLikelihoodBeforeStep.withoutCoefficient[0] as number;
    close(logMultinomialCoefficient(DenseMatrix.from(fixture.counts)), with_ - without, 1e-12);
    close(logMultinomialCoefficient(CsrMatrix.fromDense(fixture.counts)), with_ - without, 1e-12);
  });
});
