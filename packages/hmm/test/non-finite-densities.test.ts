import { type ComponentFamily, type DenseMatrix, type DenseInput, ImpossibleObservationError, NumericalError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel } from '../src/index.js';
import { type TestCategorical, testCategoricalFamily } from './fixtures/test-families.js';

/** Symbol 3 is "poison": its log-density is `value` in the listed states (a broken or overflowing family). */
function poisonedFamily(value: number, states: readonly number[]): ComponentFamily<TestCategorical, DenseMatrix, { counts: Float64Array }, Float64Array> {
  const inner = testCategoricalFamily(4);
  return {
    ...inner,
    logDensities(prepared, x, start, end, out) {
      inner.logDensities(prepared, x, start, end, out);
      const k = prepared.length / 4;
      for (let i = start; i < end; i++) if (x.data[i] === 3) for (const j of states) out[(i - start) * k + j] = value;
    },
  };
}

const init = {
  startProbabilities: [0.5, 0.5],
  transitionMatrix: [
    [0.9, 0.1],
    [0.2, 0.8],
  ],
  emissions: { probabilities: [0.4, 0.3, 0.2, 0.1, 0.1, 0.2, 0.3, 0.4], states: 2 },
};
const clean = [0, 1, 2, 3, 0, 0, 1, 2, 2, 2, 1, 0, 3, 2, 1];
/** Row 6 of sequence 1 (rows 8…): the poison symbol at row 14. */
const poisoned: DenseInput = [0, 1, 2, 2, 0, 0, 1, 2, 0, 1, 2, 0, 1, 2, 3];
const lengths = [8, 7];

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('NaN / +∞ emission densities are a NumericalError naming the row (issue 10, item 4)', () => {
  const cases = [
    ['NaN in one state', Number.NaN, [0]],
    ['NaN in every state', Number.NaN, [0, 1]],
    ['+∞ in one state', Infinity, [1]],
  ] as const;
  for (const [name, value, states] of cases) {
    it(`${name}: fit, score, predictProba and decode refuse it`, () => {
      const family = poisonedFamily(value, states);
      // Only the poison rows misbehave: the clean data fits.
      const hmm = new HiddenMarkovModel({ states: 2, emission: family, init, maxIterations: 3 });
      expect(Number.isFinite(hmm.fit(clean.map((v) => (v === 3 ? 2 : v))).logLikelihood)).toBe(true);
      const attempts: [string, () => unknown][] = [
        ['fit', () => new HiddenMarkovModel({ states: 2, emission: family, init, maxIterations: 3 }).fit({ observations: poisoned, lengths })],
        ['score', () => hmm.score({ observations: poisoned, lengths })],
        ['predictProba', () => hmm.predictProba({ observations: poisoned, lengths })],
        ['decode', () => hmm.decode({ observations: poisoned, lengths })],
        ['decode map', () => hmm.decode({ observations: poisoned, lengths }, { algorithm: 'map' })],
      ];
      for (const [what, attempt] of attempts) {
        const error = thrown(attempt);
        expect(error, what).toBeInstanceOf(NumericalError);
        expect(error, what).not.toBeInstanceOf(ImpossibleObservationError);
        expect(error.message, what).toMatch(/Sequence 1, position 6 \(row 14\): an emission log-density is NaN or \+∞/);
        expect((error as NumericalError).remedy, what).toMatch(/rescale the data/);
      }
    });
  }
});

describe('statistics with NaN never reach an M-step that "keeps the previous row" (issue 10, item 4)', () => {
  it('mStep refuses a NaN occupancy (merged from workers or built by a caller) with a NumericalError', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 }, init: { startProbabilities: [0.5, 0.5] }, maxIterations: 1 });
    hmm.fit([0, 1, 2, 1, 0, 2, 2, 1]);
    const parameters = hmm.modelParameters;
    const statistics = hmm.model.zeroStatistics(parameters);
    statistics.occupancy[0] = Number.NaN;
    statistics.transitions[0] = Number.NaN;
    const error = thrown(() => hmm.model.mStep(statistics, parameters));
    expect(error).toBeInstanceOf(NumericalError);
    expect(error.message).toMatch(/expected time steps per state sum to NaN/);
  });
});
