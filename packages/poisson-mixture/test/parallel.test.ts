import { readFileSync } from 'node:fs';
import { DenseMatrix } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { describe, expect, it } from 'vitest';
import { PoissonMixture } from '../src/index.js';

// fitAsync with E-steps on 2 worker threads (running the built package, rebuilding the model from
// its config) gives the in-process fit, prior included.
const reference = JSON.parse(readFileSync(new URL('__fixtures__/reference-em.json', import.meta.url), 'utf8')) as { rows: number; columns: number; data: number[] };
const counts = new DenseMatrix(Float64Array.from(reference.data), reference.rows, reference.columns);

describe('PoissonMixture.fitAsync on 2 worker threads', () => {
  it('gives the same history and parameters as fit', async () => {
    const options = { components: 3, seed: 7, maxIterations: 25, tolerance: 0, ratePrior: { shape: 2, rate: 0.5 } };
    const serial = new PoissonMixture(options).fit(counts);
    const executor = createWorkerExecutor({ workerUrl: new URL('./fixtures/poisson-worker.mjs', import.meta.url), workers: 2 });
    try {
      const parallel = await new PoissonMixture({ ...options, executor }).fitAsync(counts);
      expect(parallel.history).toHaveLength(serial.history.length);
      parallel.history.forEach((value, t) => expect(Math.abs(value - (serial.history[t] as number))).toBeLessThanOrEqual(1e-12 * Math.abs(serial.history[t] as number)));
      parallel.parameters.rates.flat().forEach((rate, index) => expect(Math.abs(rate - (serial.parameters.rates.flat()[index] as number))).toBeLessThan(1e-10 * rate));
    } finally {
      await executor.close();
    }
  });
});
