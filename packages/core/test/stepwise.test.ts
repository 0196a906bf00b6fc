import { describe, expect, it } from 'vitest';
import {
  DenseMatrix,
  fitEm,
  fitEmStepwise,
  fitEmStepwiseAsync,
  InvalidDataError,
  InvalidOptionsError,
  type MixtureData,
  type MixtureParameters,
  type StepwiseIterationInfo,
} from '../src/index.js';
import { gaussianMixture, gaussianSample, sorted, type MeanComponents } from './helpers/families.js';

type Params = MixtureParameters<MeanComponents>;
type Batch = MixtureData<DenseMatrix>;

const BATCHES = 200;
const BATCH_SIZE = 100;
// A stream from a known mixture: 0.3·N(−2, 1) + 0.7·N(2, 1).
const all = gaussianSample(BATCHES * BATCH_SIZE, [0.3, 0.7], [-2, 2], 1);
const batches: Batch[] = Array.from({ length: BATCHES }, (_, b) => ({ observations: all.sliceRows(b * BATCH_SIZE, (b + 1) * BATCH_SIZE) }));
const start: Params = { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(-0.5, 0.5) } };

/** An endless stream of fresh batches that counts how many were read and whether it was closed. */
function endless(seed: number) {
  const state = { pulled: 0, closed: false };
  function* generate(): Generator<Batch> {
    try {
      for (let b = 0; ; b++) {
        state.pulled++;
        yield { observations: gaussianSample(50, [0.3, 0.7], [-2, 2], seed * 100_000 + b) };
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, stream: generate() };
}

describe('fitEmStepwise', () => {
  it('converges near the batch EM optimum on a stream from a known 2-component mixture', () => {
    const model = gaussianMixture(2);
    const batch = fitEm(model, { observations: all }, { initialParameters: start, tolerance: 1e-10, maxIterations: 1000 });
    for (const options of [{ initialParameters: start }, { seed: 3 }]) {
      const stepwise = fitEmStepwise(model, batches, options);
      expect(stepwise.iterations).toBe(BATCHES);
      expect(stepwise.stopReason).toBe('streamEnded');
      const means = sorted(stepwise.parameters.components.means);
      const target = sorted(batch.parameters.components.means);
      // Tolerance: with η_T = (200 + 2)^−0.7 ≈ 0.024 and batches of 100, the last iterate's noise
      // is about √(η_T/2 · Var(one batch's average)) ≈ 0.02 for the 0.3-weight mean (Fisher
      // information ≈ 0.3 per observation); 0.1 is 5 standard deviations. Weights: sd ≈ 0.005.
      expect(Math.abs((means[0] as number) - (target[0] as number))).toBeLessThan(0.1);
      expect(Math.abs((means[1] as number) - (target[1] as number))).toBeLessThan(0.1);
      expect(Math.abs((sorted(stepwise.parameters.weights)[0] as number) - (sorted(batch.parameters.weights)[0] as number))).toBeLessThan(0.03);
      // And the fit is almost as good as the batch optimum on all the data (per observation).
      const gap = (batch.logLikelihood - model.logLikelihood(stepwise.parameters, { observations: all })) / all.rows;
      expect(gap).toBeGreaterThanOrEqual(-1e-9); // batch EM is (locally) optimal
      expect(gap).toBeLessThan(1e-3);
      // The per-batch scores improve from the first batches to the last.
      const early = stepwise.history.slice(0, 5).reduce((s, v) => s + v, 0) / 5;
      const late = stepwise.history.slice(-50).reduce((s, v) => s + v, 0) / 50;
      expect(late).toBeGreaterThan(early);
    }
  });

  it('records one score, step size and update per batch', () => {
    const model = gaussianMixture(2);
    const calls: Array<StepwiseIterationInfo<Params>> = [];
    const result = fitEmStepwise(model, batches.slice(0, 10), { initialParameters: start, onIteration: (info) => calls.push(info) });
    expect(result.history).toHaveLength(10);
    expect(result.stepSizes).toHaveLength(10);
    expect(result.stepSizes[0]).toBe(1);
    result.stepSizes.slice(1).forEach((eta, i) => expect(eta).toBeCloseTo((i + 2 + 2) ** -0.7, 15));
    expect(result.observations).toBe(10 * BATCH_SIZE);
    expect(calls.map((c) => c.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(calls.map((c) => c.batchLogLikelihood)).toEqual(result.history);
    expect(calls.at(-1)?.parameters).toBe(result.parameters);
    expect(calls.map((c) => c.observationsSeen)).toEqual(calls.map((_, i) => (i + 1) * BATCH_SIZE));
    // The first score is the first batch at the initial parameters, per observation.
    expect(result.history[0]).toBeCloseTo(model.logLikelihood(start, batches[0] as Batch) / BATCH_SIZE, 12);
  });

  it('with η = 1 every update is one batch EM step on the current batch', () => {
    const model = gaussianMixture(2);
    const one = batches[0] as Batch;
    const stepwise = fitEmStepwise(model, [one, one, one], { initialParameters: start, stepSize: () => 1 });
    const batch = fitEm(model, one, { initialParameters: start, maxIterations: 3, tolerance: 0 });
    stepwise.parameters.components.means.forEach((m, j) => expect(m).toBeCloseTo(batch.parameters.components.means[j] as number, 12));
    stepwise.parameters.weights.forEach((w, j) => expect(w).toBeCloseTo(batch.parameters.weights[j] as number, 12));
  });

  it('scales the running average by N_eff so priors keep their batch meaning', () => {
    // A strong N(0, 1/κ) prior on the means: with N_eff = all observations it barely matters
    // (as in batch MAP on all data); with N_eff = 10 it dominates and pulls the means to 0.
    const model = gaussianMixture(2, { priorStrength: 200 });
    const map = fitEm(model, { observations: all }, { initialParameters: start, tolerance: 1e-10, maxIterations: 1000 });
    const stepwise = fitEmStepwise(model, batches, { initialParameters: start });
    const shrunk = fitEmStepwise(model, batches, { initialParameters: start, effectiveObservations: 10 });
    const target = sorted(map.parameters.components.means);
    sorted(stepwise.parameters.components.means).forEach((m, j) => expect(Math.abs(m - (target[j] as number))).toBeLessThan(0.1));
    for (const m of shrunk.parameters.components.means) expect(Math.abs(m)).toBeLessThan(0.2);
  });

  it('is deterministic for a seed, and the seed matters when initialising from the first batch', () => {
    const model = gaussianMixture(2);
    const a = fitEmStepwise(model, batches.slice(0, 20), { seed: 5 });
    const b = fitEmStepwise(model, batches.slice(0, 20), { seed: 5 });
    const c = fitEmStepwise(model, batches.slice(0, 20), { seed: 6 });
    expect(b.history).toEqual(a.history);
    expect(b.parameters).toEqual(a.parameters);
    expect(c.history[0]).not.toBe(a.history[0]);
  });

  it('is bounded: reads exactly maxIterations batches of an endless stream and closes it', () => {
    const { state, stream } = endless(1);
    const result = fitEmStepwise(gaussianMixture(2), stream, { maxIterations: 50, seed: 1 });
    expect(result.iterations).toBe(50);
    expect(result.stopReason).toBe('maxIterations');
    expect(state.pulled).toBe(50);
    expect(state.closed).toBe(true);
    expect(sorted(result.parameters.components.means)[0]).toBeCloseTo(-2, 0);
  });

  it('requires maxIterations for anything but an array', () => {
    const { stream } = endless(2);
    expect(() => fitEmStepwise(gaussianMixture(2), stream)).toThrow(InvalidOptionsError);
    expect(() => fitEmStepwise(gaussianMixture(2), new Set(batches.slice(0, 2)))).toThrow(/maxIterations is required/);
    expect(fitEmStepwise(gaussianMixture(2), batches.slice(0, 3), { maxIterations: 2 }).stopReason).toBe('maxIterations');
  });

  it("stops with 'aborted' when the signal fires", () => {
    const controller = new AbortController();
    const result = fitEmStepwise(gaussianMixture(2), batches, {
      initialParameters: start,
      signal: controller.signal,
      onIteration: (info) => {
        if (info.iteration === 5) controller.abort();
      },
    });
    expect(result.stopReason).toBe('aborted');
    expect(result.iterations).toBe(5);
  });

  it('rejects bad options and empty input with typed errors', () => {
    const model = gaussianMixture(2);
    const few = batches.slice(0, 3);
    for (const options of [
      { stepSize: { exponent: 0.5 } },
      { stepSize: { exponent: 1.2 } },
      { stepSize: { offset: -1 } },
      { maxIterations: 0 },
      { maxIterations: 2.5 },
      { effectiveObservations: 0 },
      { stepSize: () => 0 },
      { stepSize: () => 1.5 },
    ]) {
      expect(() => fitEmStepwise(model, few, options), JSON.stringify(options)).toThrow(InvalidOptionsError);
    }
    expect(() => fitEmStepwise(model, few, { stepSize: () => Number.NaN })).toThrow(/stepSize\(2\) returned NaN/);
    expect(() => fitEmStepwise(model, [])).toThrow(InvalidDataError);
    const empty = fitEmStepwise(model, [], { initialParameters: start });
    expect(empty.iterations).toBe(0);
    expect(empty.stopReason).toBe('streamEnded');
    expect(empty.parameters).toBe(start);
  });

  it('a bad batch raises InvalidDataError naming the row, and the stream is closed', () => {
    const state = { closed: false };
    function* stream(): Generator<Batch> {
      try {
        yield batches[0] as Batch;
        yield { observations: DenseMatrix.from([1, Number.NaN]) };
        yield batches[1] as Batch;
      } finally {
        state.closed = true;
      }
    }
    expect(() => fitEmStepwise(gaussianMixture(2), stream(), { maxIterations: 10, initialParameters: start })).toThrow(/observations\[1\]\[0\] = NaN/);
    expect(state.closed).toBe(true);
  });
});

describe('fitEmStepwiseAsync', () => {
  it('on an async stream equals the synchronous fit on the same batches', async () => {
    async function* stream(): AsyncGenerator<Batch> {
      for (const b of batches.slice(0, 40)) {
        await Promise.resolve();
        yield b;
      }
    }
    const model = gaussianMixture(2);
    const sync = fitEmStepwise(model, batches.slice(0, 40), { seed: 2 });
    const async = await fitEmStepwiseAsync(model, stream(), { seed: 2, maxIterations: 100 });
    expect(async.history).toEqual(sync.history);
    expect(async.parameters).toEqual(sync.parameters);
    expect(async.stopReason).toBe('streamEnded');
    const fromArray = await fitEmStepwiseAsync(model, batches.slice(0, 40), { seed: 2 });
    expect(fromArray.parameters).toEqual(sync.parameters);
  });

  it('is bounded on an endless async stream and closes it', async () => {
    const state = { pulled: 0, closed: false };
    async function* endlessAsync(): AsyncGenerator<Batch> {
      try {
        for (let b = 0; ; b++) {
          state.pulled++;
          yield batches[b % BATCHES] as Batch;
        }
      } finally {
        state.closed = true;
      }
    }
    const result = await fitEmStepwiseAsync(gaussianMixture(2), endlessAsync(), { maxIterations: 30, initialParameters: start });
    expect(result.iterations).toBe(30);
    expect(result.stopReason).toBe('maxIterations');
    expect(state.pulled).toBe(30);
    expect(state.closed).toBe(true);
    await expect(fitEmStepwiseAsync(gaussianMixture(2), endlessAsync())).rejects.toThrow(InvalidOptionsError);
  });
});
