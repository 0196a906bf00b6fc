import { DenseMatrix, fitEm, FormatError, InvalidDataError, InvalidOptionsError, InvalidParametersError, logGamma, MemoryBudgetError, Random, silentContext, type FitEvent } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createPoissonMixtureModel, MINIMUM_RATE, modelFromConfig, PoissonFamily, samplePoisson } from '../src/index.js';

describe('PoissonFamily', () => {
  it('maximize returns λ = S / N without a prior, and (S + shape − 1) / (N + rate) with one, without mutating its inputs', () => {
    const previous = { dimension: 2, rates: new Float64Array([1, 1, 1, 1]) };
    const statistics = { weightSums: new Float64Array([4, 2]), weightedSums: new Float64Array([2, 8, 1, 4]) };
    expect(Array.from(new PoissonFamily().maximize(statistics, previous, silentContext).rates)).toEqual([0.5, 2, 0.5, 2]);
    const map = new PoissonFamily({ ratePrior: { shape: 3, rate: 2 } }).maximize(statistics, previous, silentContext);
    expect(Array.from(map.rates)).toEqual([4 / 6, 10 / 6, 3 / 4, 6 / 4]);
    expect(Array.from(previous.rates)).toEqual([1, 1, 1, 1]);
    expect(Array.from(statistics.weightedSums)).toEqual([2, 8, 1, 4]);
  });

  it('logDensities is the Poisson log-pmf summed over columns', () => {
    const family = new PoissonFamily();
    const components = { dimension: 2, rates: new Float64Array([0.5, 3, 7, 1e-3]) };
    const x = DenseMatrix.from([
      [0, 4],
      [12, 0],
    ]);
    const out = new Float64Array(4);
    family.logDensities(family.prepare(components), x, 0, 2, out);
    const logPmf = (count: number, rate: number): number => count * Math.log(rate) - rate - logGamma(count + 1);
    for (let i = 0; i < 2; i++) {
      for (let k = 0; k < 2; k++) {
        const expected = logPmf(x.get(i, 0), components.rates[k * 2] as number) + logPmf(x.get(i, 1), components.rates[k * 2 + 1] as number);
        expect(Math.abs((out[i * 2 + k] as number) - expected)).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected)));
      }
    }
  });

  it('a column of zeros gives the floor rate, not 0 (log 0 would make later counts impossible)', () => {
    const family = new PoissonFamily();
    const next = family.maximize({ weightSums: new Float64Array([3]), weightedSums: new Float64Array([0, 6]) }, { dimension: 2, rates: new Float64Array([1, 1]) }, silentContext);
    expect(Array.from(next.rates)).toEqual([MINIMUM_RATE, 2]);
    expect(() => family.validateComponents(next)).not.toThrow();
  });

  it('keeps an empty component under maximum likelihood and reports it', () => {
    const events: FitEvent[] = [];
    const next = new PoissonFamily().maximize(
      { weightSums: new Float64Array([0, 2]), weightedSums: new Float64Array([0, 4]) },
      { dimension: 1, rates: new Float64Array([5, 1]) },
      { iteration: 3, report: (event) => events.push(event) },
    );
    expect(Array.from(next.rates)).toEqual([5, 2]);
    expect(events).toEqual([expect.objectContaining({ type: 'degenerate-component', component: 0, iteration: 3 })]);
  });

  it('logPrior is the Gamma(shape, rate) log-density of every rate, 0 without a prior', () => {
    const components = { dimension: 1, rates: new Float64Array([0.5, 4]) };
    expect(new PoissonFamily().logPrior(components)).toBe(0);
    const [a, b] = [2.5, 1.5];
    const expected = [0.5, 4].reduce((total, rate) => total + a * Math.log(b) - logGamma(a) + (a - 1) * Math.log(rate) - b * rate, 0);
    expect(new PoissonFamily({ ratePrior: { shape: a, rate: b } }).logPrior(components)).toBeCloseTo(expected, 12);
  });

  it('rejects a negative or fractional count, naming its row and column', () => {
    const family = new PoissonFamily();
    const negative = DenseMatrix.from([
      [1, 2],
      [3, -1],
    ]);
    expect(() => family.validateData(negative)).toThrow(InvalidDataError);
    expect(() => family.validateData(negative)).toThrow(/counts\[1\]\[1\] = -1 is negative/);
    expect(() => family.validateData(DenseMatrix.from([[1, 2.5]]))).toThrow(/counts\[0\]\[1\] = 2.5 is not an integer/);
    expect(() => family.validateData(DenseMatrix.from([[Number.NaN, 2]]))).toThrow(/counts\[0\]\[0\] = NaN/);
  });

  it('rejects data whose column count differs from the model', () => {
    expect(() => new PoissonFamily().validateData(DenseMatrix.from([[1, 2, 3]]), { dimension: 2, rates: new Float64Array([1, 1]) })).toThrow(/3 columns but the model has 2/);
  });

  it('rejects a non-positive rate, naming the component and column', () => {
    const family = new PoissonFamily();
    expect(() => family.validateComponents({ dimension: 2, rates: new Float64Array([1, 1, 1, 0]) })).toThrow(InvalidParametersError);
    expect(() => family.validateComponents({ dimension: 2, rates: new Float64Array([1, 1, 1, 0]) })).toThrow(/component 1, column 1/);
    expect(() => family.validateComponents({ dimension: 2, rates: new Float64Array([1, 1, 1]) })).toThrow(/K × dimension/);
  });

  it('rejects an improper or unbounded prior (shape < 1 or rate ≤ 0), naming the option', () => {
    for (const ratePrior of [
      { shape: 0.5, rate: 1 },
      { shape: 2, rate: 0 },
      { shape: Number.NaN, rate: 1 },
    ]) {
      expect(() => new PoissonFamily({ ratePrior })).toThrow(InvalidOptionsError);
      expect(() => new PoissonFamily({ ratePrior })).toThrow(/ratePrior must have shape ≥ 1 and rate > 0/);
    }
  });

  it('refuses K×D rate tables over the memory budget before allocating them', () => {
    const family = new PoissonFamily({ memoryBudget: '1MiB' });
    const x = DenseMatrix.fromArray(new Float64Array(2 * 50_000), 2, 50_000);
    expect(() => family.initializeFromWeights(x, new Float64Array(2 * 10).fill(0.1), 10, silentContext)).toThrow(MemoryBudgetError);
    expect(() => family.componentsFromJSON({ dimension: 50_000, rates: Array.from({ length: 10 }, () => 1) })).toThrow(MemoryBudgetError);
    expect(() => new PoissonFamily().initializeFromWeights(x, new Float64Array(2 * 10).fill(0.1), 10, silentContext)).not.toThrow();
  });

  it('round-trips its config and components through JSON exactly', () => {
    const family = new PoissonFamily({ ratePrior: { shape: 2, rate: 0.25 }, memoryBudget: 2 ** 30 });
    const rebuilt = PoissonFamily.fromConfig(JSON.parse(JSON.stringify(family.config)));
    expect(rebuilt.config).toEqual(family.config);
    expect(PoissonFamily.fromConfig(new PoissonFamily().config).ratePrior).toBeUndefined();
    const components = { dimension: 3, rates: Float64Array.from([0.1, 1 / 3, 2e-9, 7, 1e6, Math.PI]) };
    expect(family.componentsFromJSON(JSON.parse(JSON.stringify(family.componentsToJSON(components))))).toEqual(components);
    expect(() => family.componentsFromJSON({ rates: [1] })).toThrow(FormatError);
  });

  it('samplePoisson matches the mean and variance λ on both branches (multiplication below 10, PTRS above)', () => {
    const random = new Random(42);
    for (const rate of [0.3, 4, 25, 1e4]) {
      const n = 20_000;
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        const count = samplePoisson(rate, random);
        expect(Number.isInteger(count) && count >= 0).toBe(true);
        sum += count;
        squares += count * count;
      }
      const mean = sum / n;
      const variance = squares / n - mean * mean;
      // Five standard errors of the mean, and 10 % on the variance.
      expect(Math.abs(mean - rate)).toBeLessThan(5 * Math.sqrt(rate / n));
      expect(Math.abs(variance / rate - 1)).toBeLessThan(0.1);
    }
  });

  it('recovers well-separated components from seeded samples, and the objective never decreases', () => {
    const model = createPoissonMixtureModel({ components: 2 });
    const truth = { weights: new Float64Array([0.4, 0.6]), components: { dimension: 3, rates: new Float64Array([0.5, 0.5, 0.5, 20, 20, 20]) } };
    const draws = model.sample(truth, 2000, new Random(7));
    const data = { observations: DenseMatrix.fromArray(draws.observations, 2000, draws.dimension) };
    const result = fitEm(model, data, { seed: 3, nInit: 3, maxIterations: 300, tolerance: 1e-9 });
    const first = result.parameters.components.rates[0] as number;
    const low = first < 5 ? 0 : 1;
    for (let column = 0; column < 3; column++) {
      expect(Math.abs((result.parameters.components.rates[low * 3 + column] as number) - 0.5)).toBeLessThan(0.1);
      expect(Math.abs((result.parameters.components.rates[(1 - low) * 3 + column] as number) / 20 - 1)).toBeLessThan(0.05);
    }
    expect(Math.abs((result.parameters.weights[low] as number) - 0.4)).toBeLessThan(0.05);
    for (let step = 1; step < result.history.length; step++) {
      const previous = result.history[step - 1] as number;
      expect(result.history[step]).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
    }
  });

  it('modelFromConfig rebuilds the same model (prior and budget included) and refuses other kinds', () => {
    const model = createPoissonMixtureModel({ components: 3, weightConcentration: 2, ratePrior: { shape: 2, rate: 1 }, memoryBudget: '64MiB' });
    const rebuilt = modelFromConfig(JSON.parse(JSON.stringify(model.config)));
    expect(rebuilt.config).toEqual(model.config);
    expect(() => modelFromConfig({ kind: 'gaussian-mixture', options: {} })).toThrow(InvalidOptionsError);
  });
});
