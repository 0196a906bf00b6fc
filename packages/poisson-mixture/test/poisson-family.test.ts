import { DenseMatrix, fitEm, InvalidDataError, InvalidParametersError, Random, silentContext } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createPoissonMixtureModel, PoissonFamily } from '../src/index.js';

// TODO(new-model): these tests pin down the placeholder exponential family. Rewrite each one for
// your family: a hand-computed M-step, the support checks, and recovery of known parameters.
describe('PoissonFamily', () => {
  it('maximize returns the closed-form estimate λ = N / S from hand-made statistics, without mutating its inputs', () => {
    const family = new PoissonFamily();
    const previous = { dimension: 2, rates: new Float64Array([1, 1, 1, 1]) };
    const statistics = { weightSums: new Float64Array([4, 2]), weightedSums: new Float64Array([2, 8, 1, 4]) };
    const next = family.maximize(statistics, previous, silentContext);
    expect(Array.from(next.rates)).toEqual([2, 0.5, 2, 0.5]);
    expect(Array.from(previous.rates)).toEqual([1, 1, 1, 1]);
    expect(Array.from(statistics.weightedSums)).toEqual([2, 8, 1, 4]);
  });

  it('rejects a negative entry, naming its row and column', () => {
    const family = new PoissonFamily();
    const data = DenseMatrix.from([
      [1, 2],
      [3, -1],
    ]);
    expect(() => family.validateData(data)).toThrow(InvalidDataError);
    expect(() => family.validateData(data)).toThrow(/\[1\]\[1\]/);
  });

  it('rejects a non-positive rate, naming the component and column', () => {
    const family = new PoissonFamily();
    expect(() => family.validateComponents({ dimension: 2, rates: new Float64Array([1, 1, 1, 0]) })).toThrow(InvalidParametersError);
    expect(() => family.validateComponents({ dimension: 2, rates: new Float64Array([1, 1, 1, 0]) })).toThrow(/component 1, column 1/);
  });

  it('recovers well-separated components from seeded samples, and the objective never decreases', () => {
    const model = createPoissonMixtureModel({ components: 2 });
    const truth = { weights: new Float64Array([0.4, 0.6]), components: { dimension: 3, rates: new Float64Array([0.5, 0.5, 0.5, 20, 20, 20]) } };
    const draws = model.sample(truth, 2000, new Random(7));
    const data = { observations: DenseMatrix.fromArray(draws.observations, 2000, draws.dimension) };
    const result = fitEm(model, data, { seed: 3, nInit: 3, maxIterations: 300, tolerance: 1e-9 });
    const first = result.parameters.components.rates[0] as number;
    const slow = first < 5 ? 0 : 1;
    for (let column = 0; column < 3; column++) {
      expect(result.parameters.components.rates[slow * 3 + column]).toBeCloseTo(0.5, 0);
      expect(Math.abs((result.parameters.components.rates[(1 - slow) * 3 + column] as number) / 20 - 1)).toBeLessThan(0.15);
    }
    expect(Math.abs((result.parameters.weights[slow] as number) - 0.4)).toBeLessThan(0.05);
    for (let step = 1; step < result.history.length; step++) {
      const previous = result.history[step - 1] as number;
      expect(result.history[step]).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
    }
  });
});
