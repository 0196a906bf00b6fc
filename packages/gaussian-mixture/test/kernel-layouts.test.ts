import { DenseMatrix, Random, silentContext } from '@em/core';
import { describe, expect, it } from 'vitest';
import { COVARIANCE_TYPES, gaussianFamily, type CovarianceType } from '../src/index.js';

/**
 * The family's component-major kernels (used by the mixture's E-step) and its row-major kernels
 * (used by the HMM) give the same densities and statistics, for every covariance type, in small
 * dimension (row-at-a-time kernels) and large, with missing values, and for a block with an odd
 * number of rows.
 */
describe('Gaussian family: component-major and row-major kernels agree', () => {
  const cases: Array<[CovarianceType, number, boolean]> = [];
  for (const type of COVARIANCE_TYPES) for (const d of [3, 10]) cases.push([type, d, false]);
  cases.push(['full', 4, true], ['diagonal', 5, true]);
  for (const [type, d, missingValues] of cases) {
    it(`${type}, D = ${d}${missingValues ? ', missing values' : ''}`, () => {
      const random = new Random(d * 31 + type.length);
      const k = 4;
      const n = 301;
      const values = new Float64Array(n * d).map(() => 3 * random.normal());
      if (missingValues) for (let i = 0; i < n; i += 7) values[i * d + (i % d)] = Number.NaN;
      const x = new DenseMatrix(values, n, d);
      const family = gaussianFamily({ covariance: type, missingValues });
      const responsibilities = new Float64Array(n * k).map(() => random.next());
      const components = family.initializeFromWeights(x, responsibilities, k, silentContext);
      const prepared = family.prepare(components);
      const [start, end] = [17, 17 + 257];
      const rows = end - start;

      const rowMajor = new Float64Array(rows * k);
      family.logDensities(prepared, x, start, end, rowMajor);
      const byComponent = new Float64Array(rows * k + 5);
      family.logDensitiesByComponent?.(prepared, x, start, end, byComponent);
      let worst = 0;
      for (let i = 0; i < rows; i++) {
        for (let c = 0; c < k; c++) {
          const a = rowMajor[i * k + c] as number;
          worst = Math.max(worst, Math.abs(a - (byComponent[c * rows + i] as number)) / Math.max(1, Math.abs(a)));
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-14);

      const weights = responsibilities.subarray(start * k, end * k);
      const transposed = new Float64Array(rows * k);
      for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) transposed[c * rows + i] = weights[i * k + c] as number;
      const fromRows = family.zeroStatistics(components);
      family.accumulate(prepared, fromRows, x, start, end, weights);
      const fromComponents = family.zeroStatistics(components);
      family.accumulateByComponent?.(prepared, fromComponents, x, start, end, transposed);
      for (const key of Object.keys(fromRows) as Array<keyof typeof fromRows>) {
        const a = fromRows[key] as Float64Array;
        const b = fromComponents[key] as Float64Array;
        const scale = Math.max(1, ...Array.from(a, Math.abs));
        for (let j = 0; j < a.length; j++) expect(Math.abs((a[j] as number) - (b[j] as number)) / scale, `${String(key)}[${j}]`).toBeLessThanOrEqual(1e-13);
      }
    });
  }
});
