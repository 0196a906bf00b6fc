import { DenseMatrix, InvalidOptionsError, MemoryBudgetError, Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel, modelFromConfig } from '../src/index.js';

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

// Each case below allocated gigabytes (or threw "RangeError: Invalid typed array length") before
// the budget; each is now refused before any allocation, so the tests run in microseconds.
describe('hostile shapes are refused against the memory budget before allocating (issue 10, hostile input)', () => {
  it('states: 30000 and states: 100000 (K×K chain matrices)', () => {
    for (const states of [30_000, 100_000]) {
      const error = thrown(() => new HiddenMarkovModel({ states, emission: { type: 'categorical', symbols: 2 } }));
      expect(error).toBeInstanceOf(MemoryBudgetError);
      expect(error.message).toContain(`${states} states`);
      expect(error.message).toMatch(/memory budget of 256 MiB/);
      expect((error as MemoryBudgetError).remedy).toMatch(/fewer states \(option states\).*memoryBudget/);
    }
  });

  it('symbols: 1e9, and symbols = largest code + 1 for data holding the code 1e9 (K×M tables)', () => {
    const error = thrown(() => new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 1e9 } }));
    expect(error).toBeInstanceOf(MemoryBudgetError);
    expect(error.message).toContain('1000000000 symbols × 2 states');
    expect((error as MemoryBudgetError).remedy).toMatch(/stray large code/);
    // What the CLI does without --symbols: M from the largest code.
    const data = [0, 1, 2, 1, 1e9, 0];
    const symbols = Math.max(...data) + 1;
    expect(thrown(() => new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols } }).fit(data))).toBeInstanceOf(MemoryBudgetError);
  });

  it('a sequence whose forward–backward buffers exceed the budget names the sequence length and the remedy', () => {
    const length = 100_000;
    const data = new DenseMatrix(Float64Array.from({ length }, (_, t) => t % 3), length, 1);
    const uniform = [1 / 3, 1 / 3, 1 / 3];
    // Complete initial values: no initialisation, the first E-step's buffers are what is checked (8 MB > 4 MiB).
    const init = {
      startProbabilities: [0.25, 0.25, 0.25, 0.25],
      transitionMatrix: [0, 1, 2, 3].map(() => [0.25, 0.25, 0.25, 0.25]),
      emissions: { probabilities: [[[0.5, 0.25, 0.25]], [uniform], [uniform], [[0.25, 0.25, 0.5]]] },
    };
    const options = { states: 4, emission: { type: 'categorical', symbols: 3 }, memoryBudget: '4MiB', maxIterations: 2, init } as const;
    const error = thrown(() => new HiddenMarkovModel(options).fit(data));
    expect(error).toBeInstanceOf(MemoryBudgetError);
    expect(error.message).toContain(`Forward–backward with 4 states on a longest sequence of ${length} steps`);
    expect((error as MemoryBudgetError).remedy).toMatch(/shorter sequences \(lengths\)/);
    // The same data in 100 sequences of 1000 steps fits in the budget.
    const lengths = new Array<number>(100).fill(1000);
    const split = new HiddenMarkovModel(options);
    expect(Number.isFinite(split.fit({ observations: data, lengths }).logLikelihood)).toBe(true);
    expect(split.decode({ observations: data, lengths }).states).toHaveLength(length);
    // Posteriors of every step as nested arrays (100000 × 4, typed then nested: 6.1 MiB) are refused; half of them fit.
    expect(thrown(() => split.predictProba({ observations: data, lengths }))).toBeInstanceOf(MemoryBudgetError);
    expect(split.predictProba({ observations: data.sliceRows(0, length / 2), lengths: lengths.slice(0, 50) })).toHaveLength(length / 2);
    // The initial responsibilities (100000 × 8 doubles, 6.1 MiB) are checked too.
    const initializing = thrown(() => new HiddenMarkovModel({ states: 8, emission: { type: 'categorical', symbols: 3 }, memoryBudget: '4MiB' }).fit({ observations: data, lengths }));
    expect(initializing).toBeInstanceOf(MemoryBudgetError);
    expect(initializing.message).toMatch(/Initial emission responsibilities for 100000 steps × 8 states/);
    expect((initializing as MemoryBudgetError).remedy).toMatch(/give init\.emissions/);
  });

  it('Gaussian emissions on many columns (K·D² covariances) and Gaussian-mixture emissions with many components', () => {
    const random = new Random(1);
    const wide = new DenseMatrix(Float64Array.from({ length: 3 * 20_000 }, () => random.normal()), 3, 20_000);
    const error = thrown(() => new HiddenMarkovModel({ states: 2, emission: { type: 'gaussian', covariance: 'full' } }).fit(wide));
    expect(error).toBeInstanceOf(MemoryBudgetError);
    expect(error.message).toContain('Gaussian emissions of 2 states on 20000 columns');
    expect((error as MemoryBudgetError).remedy).toMatch(/diagonal or spherical covariance/);
    // Diagonal covariances of the same size are small: the budget does not refuse them.
    const narrow = new DenseMatrix(Float64Array.from({ length: 40 * 2000 }, () => random.normal()), 40, 2000);
    expect(Number.isFinite(new HiddenMarkovModel({ states: 2, emission: { type: 'gaussian', covariance: 'diagonal', regCovar: 1e-3 }, maxIterations: 2 }).fit(narrow).logLikelihood)).toBe(true);
    const mixture = thrown(() => new HiddenMarkovModel({ states: 2, emission: { type: 'gmm', covariance: 'spherical', mixtureComponents: 1e8 } }).fit([[0], [1], [2]]));
    expect(mixture).toBeInstanceOf(MemoryBudgetError);
    expect(mixture.message).toContain('Gaussian-mixture emissions of 2 states on 1 columns');
  });

  it('a raised budget admits what the default refuses; a bad budget is an InvalidOptionsError', () => {
    // 2 × 5·10⁶ symbols: 6 tables of 80 MB refused at 256 MiB, allowed at 1 GiB (nothing is allocated until fit).
    expect(thrown(() => new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 5e6 } }))).toBeInstanceOf(MemoryBudgetError);
    expect(() => new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 5e6 }, memoryBudget: '1GiB' })).not.toThrow();
    for (const memoryBudget of ['lots', -1, Number.NaN, 10]) {
      const error = thrown(() => new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 }, memoryBudget }));
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error.message).toMatch(/memoryBudget/);
    }
  });

  it('sampling a sequence larger than the budget', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 }, maxIterations: 1 });
    hmm.fit([0, 1, 2, 1, 0, 2]);
    expect(thrown(() => hmm.sample(1e12))).toBeInstanceOf(MemoryBudgetError);
  });

  it('the budget travels in the config (workers rebuild the model from it) and through toJSON / fromJSON', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 }, memoryBudget: '2MiB', maxIterations: 2 });
    expect(hmm.model.config.options).toMatchObject({ memoryBudget: 2 * 1024 * 1024 });
    expect(modelFromConfig(hmm.model.config).memoryBudget).toBe(2 * 1024 * 1024);
    hmm.fit([0, 1, 2, 1, 0, 2, 2, 1]);
    expect(HiddenMarkovModel.fromJSON(JSON.stringify(hmm.toJSON())).model.memoryBudget).toBe(2 * 1024 * 1024);
    // Not given: not recorded (saved models are unchanged), the default applies.
    const plain = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 } });
    expect(plain.model.config.options).not.toHaveProperty('memoryBudget');
    expect(plain.model.memoryBudget).toBe(256 * 1024 * 1024);
  });
});
