import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  arraySource,
  CsrMatrix,
  DenseMatrix,
  DEFAULT_STREAM_BLOCK_ROWS,
  fitEm,
  fitEmStepwise,
  fitStream,
  fitStreamStepwise,
  InvalidDataError,
  InvalidOptionsError,
  MemoryBudgetError,
  NumericalError,
  planStream,
  Random,
  reservoirSample,
  type DataSource,
  type EStepExecutor,
  type MixtureParameters,
  type StreamProgress,
} from '../src/index.js';
import { gaussianMixture, gaussianSample, type MeanComponents } from './helpers/families.js';

type Params = MixtureParameters<MeanComponents>;

const all = gaussianSample(5000, [0.3, 0.7], [-2, 2], 11);
const start: Params = { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(-0.5, 0.5) } };

function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number))));
}

describe('fitStream (batch EM over a DataSource)', () => {
  it('follows the in-memory trajectory to 1e-10 relative from the same start, whatever the block size', async () => {
    const model = gaussianMixture(2);
    const memory = fitEm(model, { observations: all }, { initialParameters: start, tolerance: 0, maxIterations: 40 });
    for (const blockRows of [1, 7, 512, 5000]) {
      const streamed = await fitStream(model, arraySource(all), { initialParameters: start, tolerance: 0, maxIterations: 40, blockRows });
      expect(maxRelativeDifference(streamed.history, memory.history), `blockRows ${blockRows}`).toBeLessThan(1e-10);
      expect(maxRelativeDifference(streamed.logLikelihoodHistory, memory.logLikelihoodHistory)).toBeLessThan(1e-10);
      expect(streamed.eSteps).toBe(memory.eSteps);
      expect(streamed.iterations).toBe(40);
      expect(streamed.observations).toBe(5000);
      expect(streamed.bic).toBeCloseTo(memory.bic, 6);
    }
  });

  it('stops by the same convergence rule as the in-memory fit', async () => {
    const model = gaussianMixture(2);
    const memory = fitEm(model, { observations: all }, { initialParameters: start, tolerance: 1e-8 });
    const streamed = await fitStream(model, arraySource(all), { initialParameters: start, tolerance: 1e-8, blockRows: 333 });
    expect(streamed.converged).toBe(true);
    expect(streamed.iterations).toBe(memory.iterations);
    expect(streamed.toleranceRule).toBe(memory.toleranceRule);
  });

  it('runs SQUAREM over the stream, counting every extra E-step as a pass', async () => {
    const model = gaussianMixture(2);
    const memory = fitEm(model, { observations: all }, { initialParameters: start, tolerance: 1e-10, acceleration: 'squarem' });
    const streamed = await fitStream(model, arraySource(all), { initialParameters: start, tolerance: 1e-10, acceleration: 'squarem', blockRows: 999 });
    expect(streamed.acceleration).toBe(memory.acceleration);
    expect(maxRelativeDifference(streamed.history, memory.history)).toBeLessThan(1e-10);
    expect(streamed.eSteps).toBe(memory.eSteps);
    expect(streamed.eSteps).toBeGreaterThan(streamed.iterations);
  });

  it('gives the same result with blocks dispatched to an executor, summed in block order', async () => {
    const model = gaussianMixture(2);
    const direct = await fitStream(model, arraySource(all), { initialParameters: start, tolerance: 0, maxIterations: 10, blockRows: 100 });
    // Three blocks in flight, finishing in scrambled order: the sums must still be taken in block order.
    let call = 0;
    const executor: EStepExecutor = {
      concurrency: 3,
      run: (m, parameters, chunks) =>
        new Promise((resolve) => {
          const delay = [3, 0, 1][call++ % 3] as number;
          setTimeout(() => resolve(chunks.map((chunk) => m.eStep(parameters, chunk))), delay);
        }),
      close: () => Promise.resolve(),
    };
    const viaExecutor = await fitStream(model, arraySource(all), { initialParameters: start, tolerance: 0, maxIterations: 10, blockRows: 100, executor });
    expect(viaExecutor.history).toEqual(direct.history);
  });

  it('initialises from a seeded reservoir sample: the same seed gives the same fit, another seed another start', async () => {
    const model = gaussianMixture(2);
    const a = await fitStream(model, arraySource(all), { seed: 5, maxIterations: 3, tolerance: 0, reservoirRows: 200, blockRows: 64 });
    const b = await fitStream(model, arraySource(all), { seed: 5, maxIterations: 3, tolerance: 0, reservoirRows: 200, blockRows: 64 });
    const c = await fitStream(model, arraySource(all), { seed: 6, maxIterations: 3, tolerance: 0, reservoirRows: 200, blockRows: 64 });
    expect(a.history).toEqual(b.history);
    expect(c.history[0]).not.toBe(a.history[0]);
    // The sampling pass is not an E-step: eSteps counts E-step passes only.
    expect(a.eSteps).toBe(4);
  });

  it('reports rows and bytes read per pass, and the pass purpose', async () => {
    const model = gaussianMixture(2);
    const reports: StreamProgress[] = [];
    await fitStream(model, arraySource(all), { seed: 1, maxIterations: 2, tolerance: 0, blockRows: 1000, onProgress: (p) => reports.push(p) });
    const ends = reports.filter((p) => p.done);
    expect(ends.map((p) => p.purpose)).toEqual(['sample', 'e-step', 'e-step', 'e-step']);
    expect(ends.map((p) => p.pass)).toEqual([1, 2, 3, 4]);
    for (const end of ends) {
      expect(end.rowsRead).toBe(5000);
      expect(end.bytesRead).toBe(5000 * 8);
      expect(end.totalRows).toBe(5000);
    }
    expect(reports.filter((p) => !p.done && p.pass === 2).map((p) => p.rowsRead)).toEqual([1000, 2000, 3000, 4000, 5000]);
  });

  it('is a NumericalError when the log-likelihood becomes NaN, never a result', async () => {
    const model = gaussianMixture(2);
    const bad: Params = { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(Number.NaN, 0.5) } };
    const noValidation = Object.assign(Object.create(model) as typeof model, { validateParameters: () => undefined });
    await expect(fitStream(noValidation, arraySource(all), { initialParameters: bad, maxIterations: 3 })).rejects.toBeInstanceOf(NumericalError);
  });

  it('stops with aborted when the signal fires between passes, and with an AbortedError in the middle of one', async () => {
    const model = gaussianMixture(2);
    const controller = new AbortController();
    const result = await fitStream(model, arraySource(all), {
      initialParameters: start,
      tolerance: 0,
      maxIterations: 50,
      blockRows: 1000,
      signal: controller.signal,
      onIteration: (info) => (info.iteration === 2 ? controller.abort() : undefined),
    });
    expect(result.stopReason).toBe('aborted');
    expect(result.iterations).toBe(2);
    const midPass = new AbortController();
    const error = await fitStream(model, arraySource(all), {
      initialParameters: start,
      tolerance: 0,
      maxIterations: 50,
      blockRows: 1000,
      signal: midPass.signal,
      onProgress: (p) => (p.pass === 3 && p.rowsRead === 2000 ? midPass.abort() : undefined),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toMatch(/aborted during pass 3/);
  });

  it('refuses a one-pass source for batch EM, and a chunks option, with typed errors', async () => {
    const model = gaussianMixture(2);
    await expect(fitStream(model, arraySource(all, { reiterable: false }), { initialParameters: start })).rejects.toThrow(/read only once/);
    await expect(fitStream(model, arraySource(all), { chunks: 2 } as never)).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(fitStream(model, {} as DataSource, {})).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(fitStream(model, arraySource(all), { initialParameters: start, estep: 'sparse' })).rejects.toThrow(/active components/);
  });

  it('names the absolute row of a bad value in a later block', async () => {
    const values = all.data.slice();
    values[4321] = Number.POSITIVE_INFINITY;
    const model = gaussianMixture(2);
    const error = await fitStream(model, arraySource(new DenseMatrix(values, 5000, 1)), { initialParameters: start, blockRows: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDataError);
    expect((error as InvalidDataError).details['row']).toBe(4321);
    expect((error as Error).message).toMatch(/row 4322 \(1-based\)/);
  });

  it('refuses a source whose row count changes between passes (a file truncated during the fit)', async () => {
    const model = gaussianMixture(2);
    let pass = 0;
    const inner = arraySource(all, { blockRows: 1000 });
    // No declared row count (like a CSV file): the first pass counts the rows, the third reads fewer.
    const shrinking: DataSource = {
      columns: 1,
      reiterable: true,
      description: 'a shrinking file',
      pass: (options) => (pass++ === 2 ? arraySource(all.sliceRows(0, 4000)).pass(options) : inner.pass(options)),
      close: () => Promise.resolve(),
    };
    await expect(fitStream(model, shrinking, { initialParameters: start, tolerance: 0, maxIterations: 5 })).rejects.toThrow(/pass 3 read 4000 rows, but an earlier pass read 5000/);
  });
});

describe('planStream (block size from the memory budget)', () => {
  it('derives blocks that fit a quarter of the budget, capped at DEFAULT_STREAM_BLOCK_ROWS', () => {
    expect(planStream(10, {}).blockRows).toBe(DEFAULT_STREAM_BLOCK_ROWS);
    const small = planStream(10, { memoryBudget: 2 ** 20 });
    // 1 MiB / 4 / (8 · (2·10 + 32)) = 630 rows.
    expect(small.blockRows).toBe(630);
    expect(small.reservoirRows).toBe(Math.floor(2 ** 18 / 80));
    const wide = planStream(1_000_000, { memoryBudget: 2 ** 20 });
    expect(wide.blockRows).toBe(1);
    expect(planStream(10, { memoryBudget: 2 ** 20 }, 4).blockRows).toBe(157);
  });

  it('refuses an explicit block or reservoir that does not fit the budget', () => {
    expect(() => planStream(10, { memoryBudget: 2 ** 20, blockRows: 10_000 })).toThrow(MemoryBudgetError);
    expect(() => planStream(10, { memoryBudget: 2 ** 20, reservoirRows: 1_000_000 })).toThrow(MemoryBudgetError);
    expect(() => planStream(10, { blockRows: 0 })).toThrow(InvalidOptionsError);
  });

  it('bounds the blocks a fit asks its source for', async () => {
    const asked: Array<number | undefined> = [];
    const inner = arraySource(all);
    const spy: DataSource = { ...inner, pass: (options) => (asked.push(options?.blockRows), inner.pass(options)) };
    await fitStream(gaussianMixture(2), spy, { initialParameters: start, maxIterations: 1, tolerance: 0, memoryBudget: 2 ** 20 });
    expect(asked.length).toBe(2);
    for (const rows of asked) expect(rows).toBe(planStream(1, { memoryBudget: 2 ** 20 }).blockRows);
  });
});

describe('reservoirSample', () => {
  it('is deterministic for a seed, keeps k distinct rows, and all rows when there are fewer', async () => {
    const rows = DenseMatrix.fromArray(Float64Array.from({ length: 1000 }, (_, i) => i), 1000, 1);
    const a = await reservoirSample(arraySource(rows, { blockRows: 37 }), { rows: 50, random: new Random(9), memoryBudget: 2 ** 20 });
    const b = await reservoirSample(arraySource(rows, { blockRows: 37 }), { rows: 50, random: new Random(9), memoryBudget: 2 ** 20 });
    expect(Array.from(a.sample.data)).toEqual(Array.from(b.sample.data));
    expect(new Set(a.sample.data).size).toBe(50);
    expect(a.rowsRead).toBe(1000);
    const everything = await reservoirSample(arraySource(rows), { rows: 5000, random: new Random(9), memoryBudget: 2 ** 20 });
    expect(everything.sample.rows).toBe(1000);
  });

  it('is uniform: each row is kept with probability k/n (seed 2024, 400 repetitions)', async () => {
    // 400 samples of 10 from 100 rows: each row's count ~ Binomial(400, 0.1), mean 40, sd 6; 4 sd bounds.
    const rows = DenseMatrix.fromArray(Float64Array.from({ length: 100 }, (_, i) => i), 100, 1);
    const counts = new Float64Array(100);
    const random = new Random(2024);
    for (let r = 0; r < 400; r++) {
      const { sample } = await reservoirSample(arraySource(rows, { blockRows: 13 }), { rows: 10, random, memoryBudget: 2 ** 20 });
      for (const v of sample.data) counts[v] = (counts[v] as number) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 40)).toBeLessThan(24);
  });

  it('samples sparse rows into a CsrMatrix', async () => {
    const dense = DenseMatrix.from([
      [0, 1, 0],
      [2, 0, 0],
      [0, 0, 3],
      [4, 5, 6],
    ]);
    const { sample } = await reservoirSample(arraySource(CsrMatrix.fromDense(dense), { blockRows: 3 }), { rows: 4, random: new Random(1), memoryBudget: 2 ** 20 });
    expect(sample).toBeInstanceOf(CsrMatrix);
    expect(sample.toDense().toArrays()).toEqual(dense.toArrays());
  });
});

describe('fitStreamStepwise (stepwise EM over a DataSource)', () => {
  it('is fitEmStepwise with one batch per block, and works on a one-pass source', async () => {
    const model = gaussianMixture(2);
    const blocks = Array.from({ length: 50 }, (_, b) => ({ observations: all.sliceRows(b * 100, (b + 1) * 100) }));
    const inMemory = fitEmStepwise(model, blocks, { initialParameters: start });
    const streamed = await fitStreamStepwise(model, arraySource(all, { reiterable: false }), { initialParameters: start, blockRows: 100 });
    expect(streamed.iterations).toBe(50);
    expect(streamed.history).toEqual(inMemory.history);
    expect(Array.from(streamed.parameters.components.means)).toEqual(Array.from(inMemory.parameters.components.means));
  });

  it('refuses a second pass, or a sampling pass, over a one-pass source', async () => {
    const model = gaussianMixture(2);
    await expect(fitStreamStepwise(model, arraySource(all, { reiterable: false }), { passes: 2 })).rejects.toThrow(/2 passes/);
    await expect(fitStreamStepwise(model, arraySource(all, { reiterable: false }), { initialization: 'reservoir' })).rejects.toBeInstanceOf(InvalidOptionsError);
  });

  it('makes several passes over a re-iterable source, and starts from a reservoir sample when asked', async () => {
    const model = gaussianMixture(2);
    const reports: StreamProgress[] = [];
    const result = await fitStreamStepwise(model, arraySource(all), { passes: 3, blockRows: 500, initialization: 'reservoir', seed: 4, onProgress: (p) => reports.push(p) });
    expect(result.iterations).toBe(30);
    expect(reports.filter((p) => p.done).map((p) => p.purpose)).toEqual(['sample', 'stepwise', 'stepwise', 'stepwise']);
    const again = await fitStreamStepwise(model, arraySource(all), { passes: 3, blockRows: 500, initialization: 'reservoir', seed: 4 });
    expect(again.history).toEqual(result.history);
  });

  it('bounds the history of a long stream (historyLimit): entries merge pairwise and cover 2^k blocks', async () => {
    const model = gaussianMixture(2);
    const result = await fitStreamStepwise(model, arraySource(all), { initialParameters: start, blockRows: 10, historyLimit: 64 });
    expect(result.iterations).toBe(500);
    // 500 blocks: the history halves at 64 entries (→ 2 blocks each), again at 64 (→ 4), again (→ 8): ⌈500 / 8⌉ = 63 entries.
    expect(result.batchesPerEntry).toBe(8);
    expect(result.history.length).toBe(63);
    expect(result.stepSizes.length).toBe(63);
    // Each entry is the observation-weighted mean of its blocks' per-observation scores.
    const unbounded = await fitStreamStepwise(model, arraySource(all), { initialParameters: start, blockRows: 10, historyLimit: 1000 });
    const firstEight = unbounded.history.slice(0, 8).reduce((s, v) => s + v, 0) / 8;
    expect(result.history[0]).toBeCloseTo(firstEight, 12);
    expect(() => fitEmStepwise(model, [{ observations: all }], { historyLimit: 3 })).toThrow(InvalidOptionsError);
  });
});

describe('fitStream with worker threads', () => {
  it('dispatches blocks to a real 2-worker pool and follows the in-process streamed fit', async () => {
    // Worker threads run built code (dist/), as in parallel.test.ts.
    const { createWorkerExecutor } = await import('../src/parallel.js');
    // @ts-expect-error -- plain JS fixture without declarations
    const { poissonMixture, poissonData } = (await import('./fixtures/poisson-family.mjs')) as {
      poissonMixture: (k: number) => Parameters<typeof fitStream>[0];
      poissonData: (n: number) => DenseMatrix;
    };
    const model = poissonMixture(2);
    // The fixture builds its matrix with dist's DenseMatrix: rewrap it in this build's.
    const fromFixture = poissonData(5000);
    const observations = new DenseMatrix(fromFixture.data, fromFixture.rows, fromFixture.cols);
    const initialParameters = { weights: Float64Array.of(0.5, 0.5), components: { rates: Float64Array.of(1, 20) } };
    const inProcess = await fitStream(model, arraySource(observations), { initialParameters, maxIterations: 8, tolerance: 0, blockRows: 600 });
    const executor = createWorkerExecutor({ workerUrl: new URL('./fixtures/parallel-worker.mjs', import.meta.url), workers: 2 });
    try {
      const parallel = await fitStream(model, arraySource(observations), { initialParameters, maxIterations: 8, tolerance: 0, blockRows: 600, executor });
      // 9 passes × 9 blocks of ≤ 600 rows, every block a task.
      expect(executor.tasksSent).toBe(9 * 9);
      expect(maxRelativeDifference(parallel.history, inProcess.history)).toBeLessThan(1e-12);
    } finally {
      await executor.close();
    }
  });
});
