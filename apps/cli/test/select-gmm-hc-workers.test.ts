// em select gmm --init-method hc reproduces mclust's default selection (Mclust() on Old Faithful and
// iris, BIC table to 0.01 in every cell both fit but VVE; fixture from
// packages/gaussian-mixture/scripts/generate-mclust-hc-reference.R), --workers N gives the
// in-process table, and the hc start's n² costs are checked against --memory-budget.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, faithfulCsv, fixtureDirectory, irisCsv, runEm, spawnEm } from './helpers.js';

interface Row {
  components: number;
  model: string;
  bic: number;
  error?: string;
}

const reference = JSON.parse(readFileSync(new URL('../../../packages/gaussian-mixture/test/__fixtures__/mclust-hc-reference.json', import.meta.url), 'utf8')) as Record<
  string,
  { bic: Record<string, (number | null)[]>; bestModel: string; bestComponents: number }
>;

describe('em select gmm --init-method hc', () => {
  for (const [name, file] of [
    ['faithful', faithfulCsv],
    ['iris', irisCsv],
  ] as const) {
    it(`picks Mclust()'s model and K on ${name}, BIC to 0.01 in every cell both fit (VVE aside)`, { timeout: 120_000 }, async () => {
      const result = await runEm(['select', 'gmm', '--data', file, '--covariance', 'all', '--init-method', 'hc', '--reg-covar', '0', '--max-iter', '10000', '--json']);
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout) as { table: Row[]; best: Row };
      const expected = reference[name] as (typeof reference)[string];
      expect(output.table).toHaveLength(14 * 9);
      expect([output.best.model, output.best.components]).toEqual([expected.bestModel, expected.bestComponents]);
      let compared = 0;
      for (const row of output.table) {
        const theirs = expected.bic[row.model]?.[row.components - 1];
        if (theirs === null || theirs === undefined || row.error !== undefined || row.model === 'VVE') continue;
        expect(Math.abs(-row.bic - theirs), `${row.model},${row.components}`).toBeLessThan(0.01);
        compared++;
      }
      expect(compared).toBeGreaterThan(100);
    });
  }

  it('refuses a tree larger than --memory-budget, suggesting k-means', async () => {
    // 1000 rows: 499 500 pairwise costs (3.8 MiB) against a 2 MiB budget.
    const rows = Array.from({ length: 1000 }, (_, i) => `${Math.sin(i)},${Math.cos(3 * i)}`);
    const directory = fixtureDirectory({ 'many.csv': `a,b\n${rows.join('\n')}\n` });
    const result = await runEm(['select', 'gmm', '--data', `${directory}/many.csv`, '--components', '1..2', '--init-method', 'hc', '--memory-budget', '2MiB']);
    expectOneLineFailure(result, /hierarchical clustering of 1000 rows[\s\S]*kmeans/);
  });
});

describe('em select gmm --workers', () => {
  it('gives the in-process table to 1e-12, with progress per model on stderr', { timeout: 120_000 }, async () => {
    const argv = ['select', 'gmm', '--data', faithfulCsv, '--components', '1..2', '--covariance', 'EEE,VVV', '--seed', '2', '--tol', '0', '--max-iter', '20'];
    const serial = await runEm([...argv, '--json']);
    // Worker threads load the built worker entry: run the built bin.
    const parallel = await spawnEm([...argv, '--json', '--workers', '2']);
    expect(serial.code).toBe(0);
    expect(parallel.code).toBe(0);
    const a = (JSON.parse(serial.stdout) as { table: Row[] }).table;
    const b = (JSON.parse(parallel.stdout) as { table: Row[] }).table;
    expect(b.map((row) => `${row.model},${row.components}`)).toEqual(a.map((row) => `${row.model},${row.components}`));
    a.forEach((row, i) => expect(Math.abs((b[i] as Row).bic - row.bic)).toBeLessThanOrEqual(1e-12 * Math.abs(row.bic)));
    // Whole fits on the workers (small data), identical to in process; models may finish out of order.
    expect((JSON.parse(parallel.stdout) as { execution: { mode: string; workers: number } }).execution).toMatchObject({ mode: 'cells', workers: 2 });
    a.forEach((row, i) => expect((b[i] as Row).bic).toBe(row.bic));
    const progress = await spawnEm([...argv, '--workers', '2']);
    expect(progress.code).toBe(0);
    expect(progress.stderr).toMatch(/em select gmm: 2 workers, whole fits on each \(4 fits\)/);
    expect(progress.stderr).toMatch(/(EEE|VVV) done \(1 of 2 models\)[\s\S]*(EEE|VVV) done \(2 of 2 models\)/);
    expect(progress.stdout).toMatch(/^ran: 2 workers, whole fits on each \(4 fits\)$/m);
  });

  it('--workers auto (the default) fits a 4-fit grid in process and says why; --workers 1 likewise', async () => {
    for (const flags of [[], ['--workers', '1']]) {
      const result = await runEm(['select', 'gmm', '--data', faithfulCsv, '--components', '1..2', '--covariance', 'EEE,VVV', '--json', ...flags]);
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { execution: { mode: string; reason: string } }).execution.mode).toBe('in-process');
    }
  });

  it('--workers refuses what is neither auto nor a positive integer', async () => {
    for (const bad of ['0', 'many', '1.5']) {
      const result = await runEm(['select', 'gmm', '--data', faithfulCsv, '--components', '1..2', '--workers', bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--workers/);
    }
  });
});
