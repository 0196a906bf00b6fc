// mclust-style selection from mclust's start: on Old Faithful and iris, selectGaussianMixture with
// init 'hc' over the fourteen models × K = 1..9 picks the model and K that R mclust 6's default
// Mclust() picks, and its BIC agrees with mclust's (run to convergence from its hc start:
// emControl(tol = c(1e-10, sqrt(eps)))) to 0.01 in every cell both fit — mclust's BIC is −ours.
// VVE is the documented exception: mclust 6's VVE orientation step leaves the volumes out (not a
// maximisation), ours maximises, so from the same start the two can settle in different optima.
// Fixture: scripts/generate-mclust-hc-reference.R.
import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/mclust-hc-reference.json' with { type: 'json' };
import { selectGaussianMixture, type CovarianceModel } from './helpers.js';
import { shippedData } from './shipped-data.js';

const DATASETS = [
  { name: 'faithful', file: 'faithful.csv', columns: 2 },
  { name: 'iris', file: 'iris.csv', columns: 4 },
] as const;

describe('selection from the hc start agrees with mclust', () => {
  for (const { name, file, columns } of DATASETS) {
    it(`${name}: same model and K as Mclust(), BIC to 0.01 in every cell both fit (VVE aside)`, { timeout: 120_000 }, () => {
      const { table } = shippedData(file, columns);
      const expected = reference[name];
      const selection = selectGaussianMixture({
        data: table,
        components: [1, 2, 3, 4, 5, 6, 7, 8, 9],
        covarianceTypes: 'all',
        // mclust fits without a prior and stops at a relative change of 1e-10.
        modelOptions: { init: 'hc', regCovar: 0, tolerance: 1e-10, maxIterations: 10_000 },
      });
      expect(selection.best.model).toBe(expected.bestModel);
      expect(selection.best.components).toBe(expected.bestComponents);
      let compared = 0;
      for (const row of selection.table) {
        const theirs = (expected.bic as Record<string, (number | null)[]>)[row.model]?.[row.components - 1];
        if (theirs === null || theirs === undefined || row.error !== undefined || row.model === ('VVE' satisfies CovarianceModel)) continue;
        expect(Math.abs(-row.bic - theirs), `${row.model}, K = ${row.components}`).toBeLessThan(0.01);
        compared++;
      }
      // Every model but VVE has cells mclust fitted: most of the 13 × 9 grid is compared.
      expect(compared).toBeGreaterThan(100);
    });
  }
});
