// A new emission family needs no change to the HMM: this file defines a Poisson family from
// scratch (the worked example of contributing/new-emission-family.md) and fits an HMM with it.
import {
  type ComponentFamily,
  type DenseMatrix,
  InvalidDataError,
  InvalidParametersError,
  type JsonValue,
  type MStepContext,
  type Random,
  logGamma,
} from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel, registerEmissionFamily, type DenseFamily } from '../src/index.js';

/** K Poisson rates; data: one column of counts. */
interface PoissonRates {
  readonly rates: Float64Array;
}
/** Σ_i w_ik and Σ_i w_ik x_i per state. */
type PoissonStatistics = { readonly weights: Float64Array; readonly sums: Float64Array };

function poissonFamily(): ComponentFamily<PoissonRates, DenseMatrix, PoissonStatistics, Float64Array> {
  return {
    name: 'poisson',
    config: {},
    componentCount: (c) => c.rates.length,
    observationCount: (x) => x.rows,
    sliceObservations: (x, start, end) => x.sliceRows(start, end),
    validateData(x) {
      for (let i = 0; i < x.rows; i++) {
        const v = x.data[i] as number;
        if (!Number.isInteger(v) || v < 0) throw new InvalidDataError(`data[${i}][0] = ${v} is not a count.`, 'Pass non-negative integers.', { row: i });
      }
    },
    validateComponents(c) {
      c.rates.forEach((r, k) => {
        if (!(r > 0) || !Number.isFinite(r)) throw new InvalidParametersError(`rate ${k} = ${r} is not positive.`, 'Rates must be finite and > 0.');
      });
    },
    prepare: (c) => Float64Array.from(c.rates, Math.log),
    logDensities(logRates, x, start, end, out) {
      const k = logRates.length;
      for (let i = start; i < end; i++) {
        const v = x.data[i] as number;
        const logFactorial = logGamma(v + 1);
        for (let j = 0; j < k; j++) out[(i - start) * k + j] = v * (logRates[j] as number) - Math.exp(logRates[j] as number) - logFactorial;
      }
    },
    zeroStatistics: (c) => ({ weights: new Float64Array(c.rates.length), sums: new Float64Array(c.rates.length) }),
    accumulate(logRates, stats, x, start, end, w) {
      const k = logRates.length;
      for (let i = start; i < end; i++) {
        for (let j = 0; j < k; j++) {
          const weight = w[(i - start) * k + j] as number;
          stats.weights[j] = (stats.weights[j] as number) + weight;
          stats.sums[j] = (stats.sums[j] as number) + weight * (x.data[i] as number);
        }
      }
    },
    maximize(stats, previous, context: MStepContext) {
      const rates = Float64Array.from(previous.rates);
      for (let j = 0; j < rates.length; j++) {
        const n = stats.weights[j] as number;
        const s = stats.sums[j] as number;
        if (n > 0 && s > 0) rates[j] = s / n;
        else context.report({ type: 'degenerate-component', iteration: context.iteration, component: j, reason: 'empty-state', message: `rate ${j} kept`, action: 'kept-previous' });
      }
      return { rates };
    },
    expectedLogDensity(c, stats) {
      let q = 0;
      for (let j = 0; j < c.rates.length; j++) q += (stats.sums[j] as number) * Math.log(c.rates[j] as number) - (stats.weights[j] as number) * (c.rates[j] as number);
      return q;
    },
    logPrior: () => 0,
    freeParameterCount: (c) => c.rates.length,
    initializeFromWeights(x, w, k) {
      const weights = new Float64Array(k);
      const sums = new Float64Array(k);
      for (let i = 0; i < x.rows; i++) {
        for (let j = 0; j < k; j++) {
          weights[j] = (weights[j] as number) + (w[i * k + j] as number);
          sums[j] = (sums[j] as number) + (w[i * k + j] as number) * (x.data[i] as number);
        }
      }
      return { rates: weights.map((n, j) => Math.max((sums[j] as number) / n, 1e-3)) };
    },
    sample(c, k, random: Random, out) {
      // Knuth's multiplication method (fine for small rates).
      const limit = Math.exp(-(c.rates[k] as number));
      let count = 0;
      for (let p = random.nextOpen(); p > limit && count < 10_000; p *= random.nextOpen()) count++;
      out[0] = count;
    },
    sampleDimension: () => 1,
    componentsToJSON: (c) => ({ rates: Array.from(c.rates) }),
    componentsFromJSON: (json: JsonValue) => ({ rates: Float64Array.from((json as { rates: number[] }).rates) }),
  };
}

describe('a Poisson emission family defined outside the HMM', () => {
  it('fits, decodes, samples and round-trips through JSON with no HMM change', () => {
    const truth = new HiddenMarkovModel(
      { states: 2, emission: poissonFamily() },
      { startProbabilities: Float64Array.from([0.5, 0.5]), transitionMatrix: Float64Array.from([0.95, 0.05, 0.05, 0.95]), emissions: { rates: Float64Array.from([1, 8]) } },
    );
    const { observations, states } = truth.sample(3_000, { seed: 11 });
    const hmm = new HiddenMarkovModel({ states: 2, emission: poissonFamily(), seed: 5, nInit: 2 });
    const result = hmm.fit(observations);
    for (let i = 1; i < result.history.length; i++) expect(result.history[i] as number).toBeGreaterThanOrEqual((result.history[i - 1] as number) - 1e-9 * Math.abs(result.history[i - 1] as number));
    const rates = [...(hmm.parameters.emissions as { rates: number[] }).rates].sort((a, b) => a - b);
    expect(rates[0]).toBeCloseTo(1, 0);
    expect(rates[1]).toBeCloseTo(8, 0);
    // Viterbi recovers the true states up to relabelling.
    const decoded = hmm.decode(observations).states;
    const agree = decoded.reduce((n, s, t) => n + (s === states[t] ? 1 : 0), 0) / decoded.length;
    expect(Math.max(agree, 1 - agree)).toBeGreaterThan(0.95);
    registerEmissionFamily('poisson', () => poissonFamily() as unknown as DenseFamily);
    const restored = HiddenMarkovModel.fromJSON(JSON.stringify(hmm.toJSON()));
    expect(restored.parameters).toEqual(hmm.parameters);
    expect(restored.score(observations)).toBe(hmm.score(observations));
  });
});
