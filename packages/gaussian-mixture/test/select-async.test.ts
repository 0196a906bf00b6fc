// selectGaussianMixtureAsync: every cell's E-steps on an executor (worker threads in the CLI's
// `em select gmm --workers N`) give the table of the in-process selection up to the round-off of
// chunked sums (1e-12 relative), with onCell progress in the same order.
import { describe, expect, it } from 'vitest';
import { availableParallelism, InProcessExecutor } from '@em/core';
import { selectGaussianMixture, selectGaussianMixtureAsync, selectionPlan, type SelectionTableRow } from './helpers.js';
import { shippedData } from './shipped-data.js';

/** E-steps in this thread, but over three chunks as a pool of three workers would split them. */
class ChunkedExecutor extends InProcessExecutor {
  override readonly concurrency = 3 as 1;
}

describe('selectGaussianMixtureAsync', () => {
  it('matches the in-process selection to 1e-12 on every cell, progress in table order', async () => {
    const { table } = shippedData('faithful.csv', 2);
    const options = { data: table, components: [1, 2, 3], covarianceTypes: ['EII', 'VEV', 'EVE', 'VVV'] as const, seed: 3, modelOptions: { tolerance: 0, maxIterations: 30 } };
    const serial = selectGaussianMixture({ ...options, covarianceTypes: [...options.covarianceTypes] });
    const seen: number[] = [];
    const executor = new ChunkedExecutor();
    const parallel = await selectGaussianMixtureAsync({ ...options, covarianceTypes: [...options.covarianceTypes], executor, onCell: (_row: SelectionTableRow, index: number) => seen.push(index) });
    expect(seen).toEqual(serial.table.map((_, i) => i));
    serial.table.forEach((row, i) => {
      const other = parallel.table[i] as SelectionTableRow;
      expect(other.model).toBe(row.model);
      expect(other.components).toBe(row.components);
      expect(Math.abs(other.logLikelihood - row.logLikelihood)).toBeLessThanOrEqual(1e-12 * Math.abs(row.logLikelihood));
      expect(Math.abs(other.bic - row.bic)).toBeLessThanOrEqual(1e-12 * Math.abs(row.bic));
    });
    expect(parallel.best.model).toBe(serial.best.model);
    expect(parallel.best.components).toBe(serial.best.components);
  });
});

// Whole cells on worker threads: the built worker entry (dist/worker.js; worker threads cannot load
// TypeScript) fits each cell with the same code, options and seed, so the table is identical.
const workerUrl = new URL('./fixtures/gmm-worker.mjs', import.meta.url);

describe('selectGaussianMixtureAsync, whole cells on workers', () => {
  it('gives the in-process BIC table of Old Faithful (14 models × K 1..3) to 1e-12, in table order, the same best model; no thread left', { timeout: 300_000 }, async () => {
    const { activeWorkerThreads } = await import('@em/core/parallel');
    const { table } = shippedData('faithful.csv', 2);
    const options = { data: table, components: [1, 2, 3], covarianceTypes: 'all' as const, seed: 5, modelOptions: { maxIterations: 200 } };
    const serial = selectGaussianMixture(options);
    const seen: number[] = [];
    const parallel = await selectGaussianMixtureAsync({ ...options, workers: 2, parallel: 'cells', workerUrl, onCell: (_row: SelectionTableRow, index: number) => seen.push(index) });
    expect(parallel.execution.mode).toBe('cells');
    expect(parallel.execution.workers).toBe(2);
    expect([...seen].sort((a, b) => a - b)).toEqual(serial.table.map((_, i) => i));
    expect(parallel.table).toHaveLength(14 * 3);
    serial.table.forEach((row, i) => {
      const other = parallel.table[i] as SelectionTableRow;
      expect([other.model, other.components]).toEqual([row.model, row.components]);
      expect(other.error).toBe(row.error);
      if (row.error !== undefined) return;
      for (const field of ['logLikelihood', 'bic', 'icl', 'aic'] as const) {
        expect(Math.abs(other[field] - row[field]), `${row.model},${row.components} ${field}`).toBeLessThanOrEqual(1e-12 * Math.abs(row[field]));
      }
      expect(other.iterations).toBe(row.iterations);
    });
    expect([parallel.best.model, parallel.best.components]).toEqual([serial.best.model, serial.best.components]);
    expect(parallel.model.parameters).toEqual(serial.model.parameters);
    expect(activeWorkerThreads()).toBe(0);
  });

  it('rethrows a typed error that fails every cell, and stops its threads', { timeout: 120_000 }, async () => {
    const { activeWorkerThreads } = await import('@em/core/parallel');
    const { table } = shippedData('faithful.csv', 2);
    // A missing value without missingValues: every cell fails alike, in its worker.
    const bad = table.map((row, i) => (i === 7 ? [row[0] as number, Number.NaN] : row));
    const error = await selectGaussianMixtureAsync({ data: bad, components: [1, 2, 3, 4], covarianceTypes: ['VVV', 'EEE'], workers: 2, parallel: 'cells', workerUrl }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe('INVALID_DATA');
    expect(activeWorkerThreads()).toBe(0);
  });

  it("parallel 'e-steps': each fit's E-steps on 2 workers it starts, the in-process table to 1e-12, no thread left", { timeout: 120_000 }, async () => {
    const { activeWorkerThreads } = await import('@em/core/parallel');
    const { table } = shippedData('faithful.csv', 2);
    const options = { data: table, components: [1, 2], covarianceTypes: ['VVV', 'EEE'] as const, seed: 2, modelOptions: { tolerance: 0, maxIterations: 10 } };
    const serial = selectGaussianMixture({ ...options, covarianceTypes: [...options.covarianceTypes] });
    const parallel = await selectGaussianMixtureAsync({ ...options, covarianceTypes: [...options.covarianceTypes], workers: 2, parallel: 'e-steps', workerUrl });
    expect(parallel.execution).toMatchObject({ mode: 'e-steps', workers: 2 });
    serial.table.forEach((row, i) => expect(Math.abs((parallel.table[i] as SelectionTableRow).bic - row.bic)).toBeLessThanOrEqual(1e-12 * Math.abs(row.bic)));
    expect(activeWorkerThreads()).toBe(0);
  });

  it("auto: in process for a grid of few cells, cells for the common grid, e-steps for large data", () => {
    const { table } = shippedData('faithful.csv', 2);
    const few = selectionPlan({ data: table, components: [1, 2], covarianceTypes: ['VVV'], workerUrl }, 272, 2);
    expect(few.mode).toBe('in-process');
    expect(few.reason).toMatch(/too few/);
    const grid = selectionPlan({ data: table, components: [1, 2, 3, 4, 5, 6, 7, 8, 9], covarianceTypes: 'all', workerUrl }, 272, 2);
    expect(grid.mode).toBe(availableParallelism() !== undefined && (availableParallelism() as number) >= 2 ? 'cells' : 'in-process');
    const large = selectionPlan({ data: table, components: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], covarianceTypes: ['VVV'], workerUrl, workers: 2 }, 1e6, 10);
    expect(large.mode).toBe('e-steps');
    const one = selectionPlan({ data: table, components: [1, 2, 3, 4, 5, 6, 7, 8, 9], covarianceTypes: 'all', workers: 1 }, 272, 2);
    expect(one.mode).toBe('in-process');
  });
});
