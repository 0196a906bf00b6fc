// The HMM takes one sequence input everywhere (issue 11): rows for one sequence,
// { observations, lengths } for several (observations in any row form core reads), or Sequences;
// per-time-step results have one entry per time step.
import { DenseMatrix, InvalidDataError, NotFittedError, Sequences } from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel } from '../src/index.js';

const symbols = [0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 2, 1, 0, 1, 1, 2];
const lengths = [6, 10];

describe('HiddenMarkovModel inputs', () => {
  const fitted = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 }, seed: 3 });
  fitted.fit({ observations: symbols, lengths });

  it('every member before fit is a NotFittedError', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 } });
    for (const call of [() => hmm.predict(symbols), () => hmm.predictProba(symbols), () => hmm.decode(symbols), () => hmm.score(symbols), () => hmm.scoreSamples(symbols), () => hmm.sample(3), () => hmm.stationaryDistribution(), () => hmm.toJSON()]) {
      expect(call).toThrow(NotFittedError);
    }
  });

  it('the same sequences in every accepted form give the same answers', () => {
    const column = Float64Array.from(symbols);
    const forms = [
      { observations: symbols, lengths },
      { observations: symbols.map((s) => [s]), lengths },
      { observations: { data: column, columns: 1 }, lengths },
      { observations: { rows: symbols.length, columns: 1, get: (i: number) => symbols[i] as number }, lengths },
      new Sequences(DenseMatrix.from(symbols), lengths),
    ];
    const expected = fitted.predictProba(forms[0] as (typeof forms)[0]);
    for (const form of forms) {
      expect(fitted.predictProba(form)).toEqual(expected);
      expect(fitted.scoreSamples(form)).toHaveLength(2);
    }
    // One row of K per time step, the sequences back to back.
    expect(expected).toHaveLength(symbols.length);
    expect(fitted.predict(forms[1] as (typeof forms)[1])).toHaveLength(symbols.length);
  });

  it('anything else is an InvalidDataError showing the expected call', () => {
    expect(() => fitted.predict({ values: symbols } as never)).toThrow(InvalidDataError);
    expect(() => fitted.predict({ values: symbols } as never)).toThrow(/predict\(data\) takes rows/);
  });
});
