import { describe, expect, it } from 'vitest';
import { BernoulliMixture, CategoricalMixture, MultinomialMixture } from '../src/index.js';
import { dense, randomStart, relativeError, sparse, syntheticBinary, syntheticCodes, syntheticCounts } from './helpers.js';
import { referenceBernoulliEm, referenceCategoricalEm, referenceMultinomialEm } from './reference-em.js';

// From the same start, every θ_t and log-likelihood must match the plain reference EM to ~1e-10 relative.
const TOLERANCE = 1e-10;
const ITERATIONS = 25;

function worstParameterError(actual: { weights: number[]; probabilities: number[][] }, expected: { weights: number[]; probabilities: number[][] }): number {
  let worst = 0;
  actual.weights.forEach((w, k) => (worst = Math.max(worst, relativeError(w, expected.weights[k] as number))));
  actual.probabilities.forEach((row, k) => row.forEach((p, v) => (worst = Math.max(worst, relativeError(p, (expected.probabilities[k] as number[])[v] as number)))));
  return worst;
}

describe('EM trajectory against an independent float64 reference', () => {
  const { counts } = syntheticCounts({ rows: 150, features: 25, components: 3, tokens: 40, seed: 11 });
  const start = randomStart(3, [25], 5);
  const init = { weights: start.weights, probabilities: start.blocks.map((b) => b[0] as number[]) };

  for (const pseudocount of [0, 0.5]) {
    for (const [layout, data] of [
      ['dense', dense(counts)],
      ['sparse', sparse(counts)],
    ] as const) {
      it(`multinomial, pseudocount ${pseudocount}, ${layout}: every step within ${TOLERANCE}`, () => {
        const reference = referenceMultinomialEm(counts, init, ITERATIONS, pseudocount);
        const model = new MultinomialMixture({ components: 3, pseudocount });
        const summary = model.fit(data, { initialParameters: init, maxIterations: ITERATIONS, tolerance: 0 });
        expect(summary.logLikelihoodHistory).toHaveLength(ITERATIONS + 1);
        let worst = 0;
        summary.logLikelihoodHistory.forEach((value, t) => (worst = Math.max(worst, relativeError(value, reference.logLikelihoods[t] as number))));
        worst = Math.max(worst, worstParameterError(summary.parameters, reference.states[ITERATIONS] as { weights: number[]; probabilities: number[][] }));
        expect(worst).toBeLessThan(TOLERANCE);
      });
    }
  }

  it('multinomial with K = 6, 9, 12 (grouped sparse kernels plus remainders) follows the reference', () => {
    for (const k of [6, 9, 12]) {
      const begin = randomStart(k, [25], 7 + k);
      const start = { weights: begin.weights, probabilities: begin.blocks.map((b) => b[0] as number[]) };
      const reference = referenceMultinomialEm(counts, start, 12, 0.05);
      for (const data of [dense(counts), sparse(counts)]) {
        const summary = new MultinomialMixture({ components: k, pseudocount: 0.05 }).fit(data, { initialParameters: start, maxIterations: 12, tolerance: 0 });
        summary.logLikelihoodHistory.forEach((value, t) => expect(relativeError(value, reference.logLikelihoods[t] as number)).toBeLessThan(TOLERANCE));
        expect(worstParameterError(summary.parameters, reference.states[12] as { weights: number[]; probabilities: number[][] })).toBeLessThan(TOLERANCE);
      }
    }
  });

  it('multinomial with a weight prior (weightConcentration 3) follows the MAP reference', () => {
    const reference = referenceMultinomialEm(counts, init, 10, 0.1, 3);
    const model = new MultinomialMixture({ components: 3, pseudocount: 0.1, weightConcentration: 3 });
    const summary = model.fit(sparse(counts), { initialParameters: init, maxIterations: 10, tolerance: 0 });
    summary.logLikelihoodHistory.forEach((value, t) => expect(relativeError(value, reference.logLikelihoods[t] as number)).toBeLessThan(TOLERANCE));
    expect(worstParameterError(summary.parameters, reference.states[10] as { weights: number[]; probabilities: number[][] })).toBeLessThan(TOLERANCE);
  });

  it('Bernoulli (dense and sparse) follows the reference', () => {
    const rows = syntheticBinary(120, 15, 3, 3);
    const s = randomStart(3, [15], 9);
    const initB = { weights: s.weights, probabilities: s.blocks.map((b) => (b[0] as number[]).map((p) => 0.1 + 0.8 * Math.min(1, 5 * p))) };
    for (const pseudocount of [0, 0.3]) {
      const reference = referenceBernoulliEm(rows, initB, ITERATIONS, pseudocount);
      for (const data of [dense(rows), sparse(rows)]) {
        const summary = new BernoulliMixture({ components: 3, pseudocount }).fit(data, { initialParameters: initB, maxIterations: ITERATIONS, tolerance: 0 });
        summary.logLikelihoodHistory.forEach((value, t) => expect(relativeError(value, reference.logLikelihoods[t] as number)).toBeLessThan(TOLERANCE));
        expect(worstParameterError(summary.parameters, reference.states[ITERATIONS] as { weights: number[]; probabilities: number[][] })).toBeLessThan(TOLERANCE);
      }
    }
  });

  it('Bernoulli with K = 8 (grouped sparse kernels) follows the reference', () => {
    const rows = syntheticBinary(150, 12, 4, 6);
    const s = randomStart(8, [12], 2);
    const start = { weights: s.weights, probabilities: s.blocks.map((b) => (b[0] as number[]).map((p) => 0.1 + 0.8 * Math.min(1, 4 * p))) };
    const reference = referenceBernoulliEm(rows, start, 12, 0.1);
    for (const data of [dense(rows), sparse(rows)]) {
      const summary = new BernoulliMixture({ components: 8, pseudocount: 0.1 }).fit(data, { initialParameters: start, maxIterations: 12, tolerance: 0 });
      summary.logLikelihoodHistory.forEach((value, t) => expect(relativeError(value, reference.logLikelihoods[t] as number)).toBeLessThan(TOLERANCE));
      expect(worstParameterError(summary.parameters, reference.states[12] as { weights: number[]; probabilities: number[][] })).toBeLessThan(TOLERANCE);
    }
  });

  it('categorical (latent class) follows the reference', () => {
    const categories = [2, 3, 4, 2];
    const rows = syntheticCodes(200, categories, 3, 8);
    const s = randomStart(3, categories, 4);
    for (const pseudocount of [0, 0.2]) {
      const reference = referenceCategoricalEm(rows, categories, { weights: s.weights, probabilities: s.blocks.map((b) => b.flat()) }, ITERATIONS, pseudocount);
      const summary = new CategoricalMixture({ components: 3, categories, pseudocount }).fit(rows, {
        initialParameters: { weights: s.weights, probabilities: s.blocks },
        maxIterations: ITERATIONS,
        tolerance: 0,
      });
      summary.logLikelihoodHistory.forEach((value, t) => expect(relativeError(value, reference.logLikelihoods[t] as number)).toBeLessThan(TOLERANCE));
      const expected = reference.states[ITERATIONS] as { weights: number[]; probabilities: number[][] };
      expect(worstParameterError({ weights: summary.parameters.weights, probabilities: summary.parameters.probabilities.map((b) => b.flat()) }, expected)).toBeLessThan(TOLERANCE);
    }
  });
});
