// selectGaussianMixtureAsync: every cell's E-steps on an executor (worker threads in the CLI's
// `em select gmm --workers N`) give the table of the in-process selection up to the round-off of
// chunked sums (1e-12 relative), with onCell progress in the same order.
import { describe, expect, it } from 'vitest';
import { InProcessExecutor } from '@em/core';
import { selectGaussianMixture, selectGaussianMixtureAsync, type SelectionTableRow } from './helpers.js';
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
