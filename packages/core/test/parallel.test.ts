import { describe, expect, it } from 'vitest';
// The worker executor runs built code (worker threads cannot load .ts): this test uses dist/.
import { createWorkerExecutor } from '../src/parallel.js';
import { fitEm, fitEmAsync, ImpossibleObservationError, InvalidOptionsError, WorkerError } from '../src/index.js';
// @ts-expect-error -- plain JS fixture without declarations
import { poissonMixture, poissonData } from './fixtures/poisson-family.mjs';

const workerUrl = new URL('./fixtures/parallel-worker.mjs', import.meta.url);

describe('createWorkerExecutor', () => {
  it('gives the same fit as in-process EM, with E-steps spread over 2 workers', async () => {
    const model = poissonMixture(2);
    const data = { observations: poissonData(3000) };
    const initialParameters = { weights: Float64Array.of(0.5, 0.5), components: { rates: Float64Array.of(1, 20) } };
    const serial = fitEm(model, data, { initialParameters, maxIterations: 20, tolerance: 0 });
    const executor = createWorkerExecutor({ workerUrl, workers: 2 });
    try {
      const parallel = await fitEmAsync(model, data, { executor, initialParameters, maxIterations: 20, tolerance: 0 });
      expect(executor.tasksSent).toBe(2 * 21);
      expect(parallel.history).toHaveLength(21);
      for (let t = 0; t < serial.history.length; t++) {
        expect(Math.abs((parallel.history[t] as number) - (serial.history[t] as number))).toBeLessThan(1e-9 * Math.abs(serial.history[t] as number));
      }
      const rates = (parallel.parameters as typeof initialParameters).components.rates;
      expect(Array.from(rates).sort((a, b) => a - b)[0]).toBeCloseTo(3, 0);
    } finally {
      await executor.close();
    }
  });

  it('rethrows a typed error raised inside a worker, with its class, code and details', async () => {
    const model = poissonMixture(2);
    const executor = createWorkerExecutor({ workerUrl, workers: 2 });
    try {
      // Weight 0 on the first component and rate 0 on the second: any positive count is impossible.
      const params = { weights: Float64Array.of(0, 1), components: { rates: Float64Array.of(1, 0) } };
      const error = await executor.run(model, params, [{ observations: poissonData(50) }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImpossibleObservationError);
      expect((error as ImpossibleObservationError).code).toBe('IMPOSSIBLE_OBSERVATION');
      expect(typeof (error as ImpossibleObservationError).details['row']).toBe('number');
      expect((error as Error).message).toMatch(/Observation \d+ has zero probability/);
    } finally {
      await executor.close();
    }
  });

  it('refuses work after close and rejects a bad worker count', async () => {
    const executor = createWorkerExecutor({ workerUrl, workers: 1 });
    await executor.close();
    await expect(executor.run(poissonMixture(2), {}, [])).rejects.toThrow(/closed/);
    expect(() => createWorkerExecutor({ workerUrl, workers: 0 })).toThrow(InvalidOptionsError);
  });
});

describe('createWorkerExecutor timeouts', () => {
  it('fails with a clear error when a worker never serves (instead of waiting forever)', async () => {
    const silent = new URL('./fixtures/silent-worker.mjs', import.meta.url);
    const executor = createWorkerExecutor({ workerUrl: silent, workers: 1, taskTimeoutMs: 500 });
    try {
      const error = await executor.run(poissonMixture(2), {}, [{}]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerError);
      expect((error as Error).message).toMatch(/did not call serveModels within 500 ms/);
    } finally {
      await executor.close();
    }
  });
});
