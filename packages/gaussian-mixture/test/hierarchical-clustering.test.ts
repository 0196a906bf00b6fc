// The `hc` initialisation: mclust's default model-based agglomerative hierarchical clustering (VVV
// criterion on the SVD-transformed data). Its cuts at G = 1..9 on Old Faithful and iris equal R
// mclust 6's hclass(hc(data, modelName = "VVV", use = "SVD"), G) row for row (fixture:
// scripts/generate-mclust-hc-reference.R; iris has a duplicate row and grid-valued data, so ties
// are exercised too).
import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/mclust-hc-reference.json' with { type: 'json' };
import { cutTree, GaussianMixture, hierarchicalClassification, hierarchicalClustering, svdTransform } from './helpers.js';
import { shippedData } from './shipped-data.js';

const DATASETS = [
  { name: 'faithful', file: 'faithful.csv', columns: 2 },
  { name: 'iris', file: 'iris.csv', columns: 4 },
] as const;

describe('hierarchical clustering (hc)', () => {
  for (const { name, file, columns } of DATASETS) {
    it(`reproduces mclust's hc merge sequence on ${name} (hclass for G = 1..9)`, () => {
      const { data, rows } = shippedData(file, columns);
      const expected = reference[name].hcClassifications;
      for (let g = 1; g <= 9; g++) {
        // hclass numbers clusters 1.. by first appearance; ours 0.. the same way.
        const labels = Array.from(hierarchicalClassification(data, rows, columns, g), (label) => label + 1);
        expect(labels, `G = ${g}`).toEqual(expected[g - 1]);
      }
    });
  }

  it('gives nested partitions with exactly k clusters', () => {
    const { data, rows } = shippedData('iris.csv', 4);
    const transformed = svdTransform(data, rows, 4);
    const tree = hierarchicalClustering(transformed.data, rows, transformed.cols);
    let coarser = cutTree(tree, 1);
    expect(new Set(coarser).size).toBe(1);
    for (let k = 2; k <= 20; k++) {
      const finer = cutTree(tree, k);
      expect(new Set(finer).size).toBe(k);
      // Every cluster of the finer cut lies inside one cluster of the coarser cut.
      const parentOf = new Map<number, number>();
      finer.forEach((label, i) => {
        const parent = parentOf.get(label);
        if (parent === undefined) parentOf.set(label, coarser[i] as number);
        else expect(parent).toBe(coarser[i]);
      });
      coarser = finer;
    }
    expect(new Set(cutTree(tree, rows)).size).toBe(rows);
  });

  it('the SVD transform whitens: its columns are uncorrelated with variance ∝ 1/singular value', () => {
    const { data, rows } = shippedData('iris.csv', 4);
    const { data: z, cols } = svdTransform(data, rows, 4);
    expect(cols).toBe(4);
    for (let a = 0; a < cols; a++) {
      for (let b = 0; b < a; b++) {
        let cross = 0;
        for (let i = 0; i < rows; i++) cross += (z[i * cols + a] as number) * (z[i * cols + b] as number);
        expect(Math.abs(cross)).toBeLessThan(1e-9);
      }
    }
  });

  it('refuses more rows than the memory budget allows, naming k-means as the way out', () => {
    const { data, rows } = shippedData('faithful.csv', 2);
    // 272 rows need 272·271/2 pairwise costs (≈ 288 KiB); allow 100 KiB.
    expect(() => hierarchicalClustering(data, rows, 2, { memoryBudget: 100 * 1024 })).toThrow(/memory budget[\s\S]*kmeans/);
    try {
      hierarchicalClustering(data, rows, 2, { memoryBudget: 100 * 1024 });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('MEMORY_BUDGET');
    }
  });

  it('refuses non-finite values naming the row and column', () => {
    const data = Float64Array.from([1, 2, 3, Number.NaN, 5, 6]);
    expect(() => hierarchicalClustering(data, 3, 2)).toThrow(/row 1, column 1/);
  });

  it("init: 'hc' starts EM from the tree's cut and refuses sample weights", () => {
    const { table } = shippedData('faithful.csv', 2);
    const first = new GaussianMixture({ components: 2, init: 'hc', seed: 1 }).fit(table);
    const second = new GaussianMixture({ components: 2, init: 'hc', seed: 99 }).fit(table);
    // Deterministic: the seed plays no part.
    expect(second.logLikelihood).toBe(first.logLikelihood);
    expect(() => new GaussianMixture({ components: 2, init: 'hc' }).fit(table, { sampleWeights: table.map((_, i) => (i % 2) + 1) })).toThrow(/sample weights/);
  });
});
