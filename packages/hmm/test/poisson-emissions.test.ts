// Poisson emissions (hmmlearn's PoissonHMM) from @em/poisson-mixture's family — the same family
// the Poisson mixture uses — as `emission: { type: 'poisson' }` and through createHmmModel.
import { DenseMatrix, Random, Sequences, fitEm } from '@em/core';
import { PoissonFamily, samplePoisson } from '@em/poisson-mixture';
import { describe, expect, it } from 'vitest';
import { createHmmModel, HiddenMarkovModel, registeredEmissionFamilies } from '../src/index.js';
import reference from './__fixtures__/poisson-reference.json' with { type: 'json' };

function maxRelative(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  return Math.max(...expected.map((e, i) => Math.abs((actual[i] as number) - e) / Math.max(1, Math.abs(e))));
}

describe('Poisson emissions', () => {
  it('importing @em/hmm registers no emission family (registration is explicit, when a model is rebuilt)', () => {
    expect(registeredEmissionFamilies()).not.toContain('poisson');
  });

  it('Baum–Welch agrees with an independent NumPy reference (hmmlearn PoissonHMM updates) to 1e-10 from the same start', () => {
    const family = new PoissonFamily();
    const model = createHmmModel(family, { states: 3 });
    const data = new Sequences(DenseMatrix.from(reference.observations), reference.lengths);
    const initialParameters = {
      startProbabilities: Float64Array.from(reference.init.startProbabilities),
      transitionMatrix: Float64Array.from(reference.init.transitionMatrix.flat()),
      emissions: { dimension: 2, rates: Float64Array.from(reference.init.rates.flat()) },
    };
    const result = fitEm(model, data, { initialParameters, maxIterations: reference.history.length - 1, tolerance: 0 });
    const worst = maxRelative(result.history, reference.history);
    console.info(`poisson emissions: max relative log-likelihood difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-10);
    expect(maxRelative(result.parameters.startProbabilities, reference.final.startProbabilities)).toBeLessThan(1e-10);
    expect(maxRelative(result.parameters.transitionMatrix, reference.final.transitionMatrix.flat())).toBeLessThan(1e-10);
    expect(maxRelative(result.parameters.emissions.rates, reference.final.rates.flat())).toBeLessThan(1e-10);
  });

  it("{ type: 'poisson' } fits, decodes and round-trips through JSON with no registration by the user", () => {
    // A known two-state chain (stay with probability 0.95; rates 1 and 8), drawn here.
    const random = new Random(11);
    const states = new Int32Array(3_000);
    const observations: number[][] = [];
    for (let t = 0; t < states.length; t++) {
      states[t] = t === 0 ? random.integer(2) : random.next() < 0.95 ? (states[t - 1] as number) : 1 - (states[t - 1] as number);
      observations.push([samplePoisson(states[t] === 0 ? 1 : 8, random)]);
    }
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'poisson' }, seed: 5, nInit: 2 });
    const result = hmm.fit(observations);
    for (let i = 1; i < result.history.length; i++) {
      const previous = result.history[i - 1] as number;
      expect(result.history[i] as number).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
    }
    const document = hmm.toJSON();
    const rates = [...(document.parameters as { emissions: { rates: number[] } }).emissions.rates].sort((a, b) => a - b);
    expect(Math.abs((rates[0] as number) - 1)).toBeLessThan(0.15);
    expect(Math.abs((rates[1] as number) / 8 - 1)).toBeLessThan(0.05);
    const decoded = hmm.predict(observations);
    const agree = decoded.reduce((n, state, t) => n + (state === states[t] ? 1 : 0), 0) / decoded.length;
    expect(Math.max(agree, 1 - agree)).toBeGreaterThan(0.95);
    // The family registers when a model is rebuilt, not when @em/hmm is imported.
    const restored = HiddenMarkovModel.fromJSON(JSON.stringify(document));
    expect(registeredEmissionFamilies()).toContain('poisson');
    expect(restored.toJSON().parameters).toEqual(document.parameters);
    expect(restored.score(observations)).toBe(hmm.score(observations));
  });

  it('a Gamma prior on the rates is the family option, recorded in the config', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'poisson', ratePrior: { shape: 2, rate: 1 } } });
    expect(hmm.model.config.options).toMatchObject({ emission: { name: 'poisson', config: { ratePrior: { shape: 2, rate: 1 } } } });
  });
});
