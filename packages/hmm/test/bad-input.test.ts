import { DenseMatrix, FormatError, ImpossibleObservationError, InvalidDataError, InvalidOptionsError, InvalidParametersError, NotFittedError, Sequences } from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel } from '../src/index.js';

const categorical = { type: 'categorical', symbols: 3 } as const;
const symbols = [0, 1, 2, 1, 0, 2, 2, 1, 0, 0];

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('bad input gets a typed error naming the problem and the remedy', () => {
  it('symbols out of range or non-integer', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: categorical });
    const out = thrown(() => hmm.fit([0, 1, 3, 1]));
    expect(out).toBeInstanceOf(InvalidDataError);
    expect(out.message).toMatch(/data\[2\]\[0\] = 3/);
    expect(thrown(() => hmm.fit([0, 1.5, 2]))).toBeInstanceOf(InvalidDataError);
    expect(thrown(() => hmm.fit([0, -1, 2]))).toBeInstanceOf(InvalidDataError);
  });

  it('sequences of length 0 and lengths that do not sum to the data', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: categorical });
    const empty = thrown(() => hmm.fit({ observations: symbols, lengths: [5, 0, 5] }));
    expect(empty).toBeInstanceOf(InvalidDataError);
    expect(empty.message).toMatch(/Sequence 1 has length 0/);
    expect(thrown(() => hmm.fit([]))).toBeInstanceOf(InvalidDataError);
    const sum = thrown(() => hmm.fit({ observations: symbols, lengths: [4, 4] }));
    expect(sum).toBeInstanceOf(InvalidDataError);
    expect(sum.message).toMatch(/sum to 8 but there are 10/);
  });

  it('transition rows that sum to zero or not to 1, and bad start probabilities', () => {
    const zero = thrown(() => new HiddenMarkovModel({ states: 2, emission: categorical, init: { transitionMatrix: [[0, 0], [0.5, 0.5]] } }).fit(symbols));
    expect(zero).toBeInstanceOf(InvalidParametersError);
    expect(zero.message).toMatch(/transitionMatrix\[0\] sums to zero/);
    const notOne = thrown(() => new HiddenMarkovModel({ states: 2, emission: categorical, init: { transitionMatrix: [[0.5, 0.4], [0.5, 0.5]] } }).fit(symbols));
    expect(notOne).toBeInstanceOf(InvalidParametersError);
    expect(notOne.message).toMatch(/transitionMatrix\[0\] sums to 0.9/);
    expect(thrown(() => new HiddenMarkovModel({ states: 2, emission: categorical, init: { startProbabilities: [1.2, -0.2] } }).fit(symbols))).toBeInstanceOf(InvalidParametersError);
    expect(thrown(() => new HiddenMarkovModel({ states: 2, emission: categorical, init: { transitionMatrix: [[1, 0]] } }))).toBeInstanceOf(InvalidParametersError);
  });

  it('an observation impossible under every state names the sequence and position', () => {
    const hmm = new HiddenMarkovModel({
      states: 2,
      emission: categorical,
      init: { emissions: { probabilities: [[[0.5, 0.5, 0]], [[0.5, 0.5, 0]]] } },
    });
    const error = thrown(() => hmm.fit({ observations: [0, 1, 0, 1, 1, 0, 2, 1], lengths: [3, 5] }));
    expect(error).toBeInstanceOf(ImpossibleObservationError);
    expect(error.message).toMatch(/Sequence 1, position 3 \(row 6\)/);
    expect((error as ImpossibleObservationError).details).toMatchObject({ sequence: 1, position: 3, row: 6 });
  });

  it('a sequence forbidden by structural zeros is reported as such; score gives −∞, decode throws', () => {
    const hmm = new HiddenMarkovModel({
      states: 2,
      emission: categorical,
      init: { startProbabilities: [1, 0], transitionMatrix: [[1, 0], [0, 1]], emissions: { probabilities: [[[0.5, 0.5, 0]], [[0, 0, 1]]] } },
      maxIterations: 0,
    });
    const error = thrown(() => hmm.fit([0, 1, 2]));
    expect(error).toBeInstanceOf(ImpossibleObservationError);
    expect(error.message).toMatch(/position 2 .* transitions or start probabilities that are zero/);
    hmm.fit([0, 1, 0]);
    expect(hmm.score([0, 1, 2])).toBe(-Infinity);
    expect(hmm.scoreSamples({ observations: [0, 1, 0, 2], lengths: [3, 1] })[1]).toBe(-Infinity);
    expect(thrown(() => hmm.decode([0, 2]))).toBeInstanceOf(ImpossibleObservationError);
  });

  it('NaN or Infinity in Gaussian observations', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'gaussian', covariance: 'diagonal' } });
    const nan = thrown(() => hmm.fit([[0, 1], [Number.NaN, 2], [3, 4], [1, 1]]));
    expect(nan).toBeInstanceOf(InvalidDataError);
    expect(nan.message).toMatch(/\[1\]\[0\]/);
    expect(thrown(() => hmm.fit([[0, 1], [1, Infinity], [3, 4], [1, 1]]))).toBeInstanceOf(InvalidDataError);
  });

  it('dimension mismatch between the data and the initial emissions', () => {
    const hmm = new HiddenMarkovModel({
      states: 2,
      emission: { type: 'gaussian', covariance: 'diagonal' },
      init: { emissions: { covarianceType: 'diagonal', dimension: 2, means: [0, 0, 1, 1], covariances: [1, 1, 1, 1] } },
    });
    expect(thrown(() => hmm.fit([[0, 1, 2], [1, 2, 3], [2, 3, 4]]))).toBeInstanceOf(InvalidDataError);
  });

  it('bad options and unfitted use', () => {
    expect(thrown(() => new HiddenMarkovModel({ states: 0, emission: categorical }))).toBeInstanceOf(InvalidOptionsError);
    expect(thrown(() => new HiddenMarkovModel({ states: 2, emission: categorical, priors: { transitions: -1 } }))).toBeInstanceOf(InvalidOptionsError);
    expect(thrown(() => new HiddenMarkovModel({ states: 2, emission: categorical }).score(symbols))).toBeInstanceOf(NotFittedError);
    expect(thrown(() => new HiddenMarkovModel({ states: 2, emission: categorical }).fit({ observations: symbols, lengths: [symbols.length + 1] }))).toBeInstanceOf(InvalidDataError);
    expect(thrown(() => new HiddenMarkovModel({ states: 2, emission: categorical }).fit(new Sequences(DenseMatrix.from(symbols)), { sampleWeights: symbols }))).toBeInstanceOf(InvalidOptionsError);
    expect(thrown(() => HiddenMarkovModel.fromJSON('{"format":"em-model","formatVersion":1,"kind":"gaussian-mixture","config":{"kind":"x"},"parameters":{}}'))).toBeInstanceOf(FormatError);
  });
});
