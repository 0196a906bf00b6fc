import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, faithfulCsv, fixtureDirectory, irisCsv, runEm } from './helpers.js';

interface Row {
  components: number;
  covarianceType: string;
  model: string;
  logLikelihood: number;
  bic: number;
  aic: number;
  converged: boolean;
  iterations: number;
}

describe('em select gmm', () => {
  it('--json gives the whole table and the row with the lowest BIC as best, with its parameters', async () => {
    const result = await runEm(['select', 'gmm', '--data', faithfulCsv, '--components', '1..3', '--covariance', 'all', '--seed', '1', '--json']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { table: Row[]; best: Row & { params: { weights: number[]; means: number[][]; model: string } } };
    // all = mclust's fourteen models.
    expect(output.table).toHaveLength(42);
    const combos = new Set(output.table.map((row) => `${row.components}/${row.covarianceType}`));
    expect(combos.size).toBe(42);
    for (const row of output.table) expect(Object.keys(row).sort()).toEqual(['aic', 'bic', 'components', 'converged', 'covarianceType', 'icl', 'iterations', 'logLikelihood', 'model']);
    const lowest = Math.min(...output.table.map((row) => row.bic));
    expect(output.best.bic).toBe(lowest);
    expect(output.best.params.weights).toHaveLength(output.best.components);
    expect(output.best.params.model).toBe(output.best.model);
    // Old Faithful is bimodal: one component is clearly worse than the best.
    const single = output.table.find((row) => row.components === 1 && row.model === 'VVV') as Row;
    expect(output.best.bic).toBeLessThan(single.bic);
  });

  it('--json rows carry converged and iterations, the same as em fit gmm for that cell (issue 10)', async () => {
    const result = await runEm(['select', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'full,diag', '--seed', '1', '--json']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { table: Row[]; best: Row; columns: { used: string[]; skipped: string[] } };
    expect(output.table.map((row) => row.covarianceType)).toEqual(['full', 'diagonal']);
    expect(output.columns).toEqual({ used: ['eruptions', 'waiting'], skipped: [] });
    for (const row of output.table) {
      const fit = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', row.covarianceType, '--seed', '1', '--json']);
      const single = JSON.parse(fit.stdout) as Row;
      expect(row.iterations).toBe(single.iterations);
      expect(row.converged).toBe(single.converged);
      expect(row.logLikelihood).toBeCloseTo(single.logLikelihood, 9);
    }
    expect(typeof output.best.converged).toBe('boolean');
    expect(Number.isInteger(output.best.iterations)).toBe(true);
  });

  it('prints a readable table and the winner, skipping the label column of iris', async () => {
    const result = await runEm(['select', 'gmm', '--data', irisCsv, '--components', '2,3', '--covariance', 'full,diagonal', '--seed', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/K\s+covariance\s+log-likelihood\s+BIC\s+ICL\s+AIC/);
    expect(result.stdout).toMatch(/top three by BIC: (VVV|VVI),[23] /);
    expect(result.stdout).toMatch(/best by ICL: (VVV|VVI),[23] /);
    expect(result.stdout).toMatch(/best by BIC: K = [23], (full|diagonal) covariance/);
    expect(result.stdout).toContain('(skipped non-numeric: Species)');
  });

  it('rejects bad grids', async () => {
    expectOneLineFailure(await runEm(['select', 'gmm', '--data', faithfulCsv, '--components', '3..1']), /--components expects integers ≥ 1/, 2);
    expectOneLineFailure(await runEm(['select', 'gmm', '--data', faithfulCsv, '--covariance', 'full,round']), /--covariance expects "all" or a list/, 2);
    const directory = fixtureDirectory({ 'two.csv': '1,2\n3,4\n' });
    expectOneLineFailure(await runEm(['select', 'gmm', '--data', 'two.csv', '--components', '1..3'], directory), /--components reaches 3, more than the 2 rows of two\.csv/, 1);
  });
});
