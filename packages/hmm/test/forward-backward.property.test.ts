// Invariants of the forward–backward statistics for random models and sequences (fast-check
// prints the seed and path of any counterexample).
import { simplexArbitrary, stochasticMatrixArbitrary } from '@em/conformance';
import { DenseMatrix, Random, Sequences } from '@em/core';
import { categoricalFamily } from '@em/multinomial-mixture';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHmmModel } from '../src/index.js';

const K = 3;
const M = 4;

const cases = fc.record({
  start: simplexArbitrary(K, { minimum: 0.01 }),
  transition: stochasticMatrixArbitrary(K, K, { minimum: 0.01 }),
  emission: stochasticMatrixArbitrary(K, M, { minimum: 0.01 }),
  lengths: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

describe('forward–backward invariants', () => {
  it('γ rows sum to 1; Σ_j ξ(i, j) = Σ_{t<T} γ_t(i); Viterbi ≤ log p(x); chunked sums equal the whole', () => {
    fc.assert(
      fc.property(cases, ({ start, transition, emission, lengths, seed }) => {
        const family = categoricalFamily({ categories: [M], pseudocount: 0 });
        const model = createHmmModel(family, { states: K });
        const params = { startProbabilities: start, transitionMatrix: transition, emissions: { probabilities: emission, categories: [M], components: K } };
        const random = new Random(seed);
        const rows: number[] = [];
        for (const length of lengths) rows.push(...Array.from(model.sample(params, length, random).observations));
        const data = new Sequences(DenseMatrix.from(rows), lengths);
        const gamma = model.posteriors(params, data);
        for (let t = 0; t < rows.length; t++) expect(Math.abs((gamma[t * K] as number) + (gamma[t * K + 1] as number) + (gamma[t * K + 2] as number) - 1)).toBeLessThan(1e-12);
        const { statistics, logLikelihood } = model.eStep(params, data);
        // Expected transitions out of i = expected visits of i at every step but each sequence's last.
        for (let i = 0; i < K; i++) {
          let visits = 0;
          for (let s = 0; s < lengths.length; s++) {
            const first = data.offsets[s] as number;
            for (let t = first; t < first + (lengths[s] as number) - 1; t++) visits += gamma[t * K + i] as number;
          }
          let out = 0;
          for (let j = 0; j < K; j++) out += statistics.transitions[i * K + j] as number;
          expect(Math.abs(out - visits)).toBeLessThan(1e-9 * Math.max(1, visits));
        }
        const viterbi = model.viterbi(params, data);
        const perSequence = model.sequenceLogLikelihoods(params, data);
        viterbi.logProbabilities.forEach((v, s) => expect(v).toBeLessThanOrEqual((perSequence[s] as number) + 1e-9));
        const parts = model.splitData(data, 2).map((part) => model.eStep(params, part));
        const partsLogLikelihood = parts.reduce((a, r) => a + r.logLikelihood, 0);
        expect(Math.abs(partsLogLikelihood - logLikelihood)).toBeLessThan(1e-9 * Math.abs(logLikelihood));
      }),
      { numRuns: 60 },
    );
  });
});
