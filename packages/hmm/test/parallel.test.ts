import { DenseMatrix, Random, Sequences, fitEm, fitEmAsync } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { gaussianFamily } from '@em/gaussian-mixture';
import { categoricalFamily } from '@em/multinomial-mixture';
import { describe, expect, it } from 'vitest';
import { createHmmModel } from '../src/index.js';

// The workers run the built package (dist/), rebuilding each model from its config.
const workerUrl = new URL('./fixtures/hmm-worker.mjs', import.meta.url);

function expectSameHistory(parallel: readonly number[], serial: readonly number[]): void {
  expect(parallel).toHaveLength(serial.length);
  for (let t = 0; t < serial.length; t++) {
    expect(Math.abs((parallel[t] as number) - (serial[t] as number))).toBeLessThanOrEqual(1e-12 * Math.abs(serial[t] as number));
  }
}

describe('Baum–Welch with E-steps on 2 worker threads', () => {
  it('categorical emissions, sequences of different lengths: same history and parameters as in process', async () => {
    const family = categoricalFamily({ categories: [4], pseudocount: 0 });
    const model = createHmmModel(family, { states: 3, transitionInitialization: 'random' });
    const random = new Random(11);
    const lengths = [40, 75, 120, 33, 90, 64, 150];
    const total = lengths.reduce((a, b) => a + b, 0);
    const symbols = new Float64Array(total).map(() => random.integer(4));
    const data = new Sequences(new DenseMatrix(symbols, total, 1), lengths);
    const initialParameters = model.initialize(data, random);
    const serial = fitEm(model, data, { initialParameters, maxIterations: 12, tolerance: 0 });
    const executor = createWorkerExecutor({ workerUrl, workers: 2 });
    try {
      const parallel = await fitEmAsync(model, data, { executor, initialParameters, maxIterations: 12, tolerance: 0 });
      expect(executor.tasksSent).toBe(2 * 13);
      expectSameHistory(parallel.history, serial.history);
      const difference = parallel.parameters.transitionMatrix.reduce((m, v, i) => Math.max(m, Math.abs(v - (serial.parameters.transitionMatrix[i] as number))), 0);
      expect(difference).toBeLessThan(1e-10);
    } finally {
      await executor.close();
    }
  });

  it('Gaussian emissions (full covariance): same history as in process', async () => {
    const family = gaussianFamily({ covariance: 'full', regCovar: 1e-6 });
    const model = createHmmModel(family, { states: 2 });
    const random = new Random(5);
    const lengths = [60, 45, 80, 55];
    const total = lengths.reduce((a, b) => a + b, 0);
    const values = new Float64Array(total * 2);
    let state = 0;
    for (let t = 0; t < total; t++) {
      if (random.next() < 0.1) state = 1 - state;
      values[2 * t] = 3 * state + random.normal();
      values[2 * t + 1] = -2 * state + random.normal();
    }
    const data = new Sequences(new DenseMatrix(values, total, 2), lengths);
    const initialParameters = model.initialize(data, random);
    const serial = fitEm(model, data, { initialParameters, maxIterations: 8, tolerance: 0 });
    const executor = createWorkerExecutor({ workerUrl, workers: 2 });
    try {
      const parallel = await fitEmAsync(model, data, { executor, initialParameters, maxIterations: 8, tolerance: 0 });
      expectSameHistory(parallel.history, serial.history);
    } finally {
      await executor.close();
    }
  });
});
