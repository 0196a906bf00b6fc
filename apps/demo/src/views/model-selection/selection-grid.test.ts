import { selectGaussianMixture } from '@em/gaussian-mixture';
import { describe, expect, it } from 'vitest';
import { datasetById, observationsOf } from '../../datasets.js';
import { classify, runSelectionGrid, SELECTION_MODELS, type SelectionProgress } from './selection-grid.js';

describe('classify', () => {
  it('takes the MAP class and 1 − max posterior, within [0, 1 − 1/K]', () => {
    const { classification, uncertainty } = classify([
      [0.1, 0.9],
      [0.5, 0.5],
      [1, 0],
      [0.2, 0.3, 0.5],
    ]);
    expect(Array.from(classification)).toEqual([1, 0, 0, 2]);
    const expected = [0.1, 0.5, 0, 0.5];
    uncertainty.forEach((u, i) => expect(Math.abs(u - (expected[i] as number))).toBeLessThan(1e-12));
  });
});

describe('runSelectionGrid', () => {
  it("reports every cell in order, and its BIC winner is selectGaussianMixture's on the same grid", () => {
    const faithful = datasetById('faithful');
    const observations = observationsOf(faithful, [0, 1]);
    const models = ['EII', 'VVI', 'EEE', 'VVV'] as const;
    const progress: SelectionProgress[] = [];
    const result = runSelectionGrid({ values: observations.data, rows: observations.rows, columns: observations.cols, models, maxComponents: 4, seed: 0 }, (p) => progress.push(p));
    expect(result.cells).toHaveLength(16);
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 16 }, (_, j) => j + 1));
    const reference = selectGaussianMixture({ data: observations, components: [1, 2, 3, 4], covarianceTypes: [...models], seed: 0 });
    expect(result.winners.bic.model).toBe(reference.best.model);
    expect(result.winners.bic.components).toBe(reference.best.components);
    expect(Math.abs(result.winners.bic.value - reference.best.bic) / Math.abs(reference.best.bic)).toBeLessThan(1e-12);
    // The ICL winner is the lowest ICL of the table.
    const lowestIcl = Math.min(...result.cells.map((cell) => cell.icl));
    expect(result.winners.icl.value).toBe(lowestIcl);
    for (const winner of [result.winners.bic, result.winners.icl]) {
      expect(winner.uncertainty).toHaveLength(272);
      for (const u of winner.uncertainty) expect(u >= 0 && u <= 1 - 1 / winner.components + 1e-12).toBe(true);
      for (const k of winner.classification) expect(k >= 0 && k < winner.components).toBe(true);
    }
  });

  it('accepts every model name it offers (mclust names)', () => {
    expect(SELECTION_MODELS).toHaveLength(14);
    const iris = datasetById('iris');
    const observations = observationsOf(iris, [0, 1, 2, 3]);
    const result = runSelectionGrid({ values: observations.data, rows: observations.rows, columns: observations.cols, models: SELECTION_MODELS, maxComponents: 2, seed: 0 });
    expect(result.cells.filter((cell) => cell.error === undefined).length).toBeGreaterThan(20);
    for (const cell of result.cells) if (cell.error === undefined) expect(Number.isFinite(cell.bic) && cell.icl >= cell.bic - 1e-9).toBe(true);
  });
});
