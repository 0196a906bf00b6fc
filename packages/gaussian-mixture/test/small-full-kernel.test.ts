import { DenseMatrix, Random } from '@em/core';
import { afterEach, describe, expect, it } from 'vitest';
import { gaussianFamily } from '../src/gaussian-family.js';
import { zeroGaussianStatistics } from '../src/gaussian-statistics.js';
import { prepareGaussian } from '../src/prepared-gaussian.js';
import { fullAccumulate, fullLogDensities } from '../src/kernels/full-kernel.js';
import { MAX_SMALL_DIMENSION, smallFullKernels, useSmallFullKernels } from '../src/kernels/small-full-kernel.js';

function problem(d: number, k: number, rows: number, seed: number) {
  const random = new Random(seed);
  const x = new Float64Array(rows * d).map(() => 3 * random.normal() + 10);
  const means = new Float64Array(k * d).map(() => 3 * random.normal() + 10);
  const covariances = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    // Σ = B·Bᵀ + I with a random B: correlated coordinates.
    const b = new Float64Array(d * d).map(() => random.normal());
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = i === j ? 1 : 0;
        for (let l = 0; l < d; l++) s += (b[i * d + l] as number) * (b[j * d + l] as number);
        covariances[c * d * d + i * d + j] = s;
      }
    }
  }
  const prepared = prepareGaussian({ covarianceType: 'full', dimension: d, means, covariances }, 'full', false);
  // Weights with exact zeros, tiny values and ordinary ones.
  const weights = new Float64Array(rows * k).map(() => {
    const u = random.next();
    return u < 0.3 ? 0 : u < 0.4 ? 1e-30 * u : u;
  });
  return { x, prepared, weights };
}

describe('small-dimension full-covariance kernels agree with the blocked kernels', () => {
  for (let d = 1; d <= MAX_SMALL_DIMENSION; d++) {
    for (const [rows, start] of [
      [1, 0],
      [37, 5],
      [4200, 3],
    ] as const) {
      it(`d = ${d}, rows ${start} … ${rows - 1}`, () => {
        const k = 3;
        const { x, prepared, weights } = problem(d, k, rows, 100 * d + rows);
        const small = smallFullKernels(d);
        expect(small).toBeDefined();
        if (small === undefined) return;
        const count = rows - start;
        const expected = new Float64Array(count * k);
        const actual = new Float64Array(count * k);
        fullLogDensities(prepared, x, start, rows, expected);
        small.logDensities(prepared, x, start, rows, actual);
        for (let i = 0; i < count * k; i++) {
          expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i] as number)));
        }
        const blocked = zeroGaussianStatistics('full', k, d);
        const rowwise = zeroGaussianStatistics('full', k, d);
        const w = weights.subarray(start * k);
        w[0] = 0.5; // so the first component always has some weight
        fullAccumulate(prepared, blocked, x, start, rows, w);
        small.accumulate(prepared, rowwise, x, start, rows, w);
        for (const key of ['counts', 'references', 'sums', 'scatter', 'referenceOuter', 'referenceCross'] as const) {
          const a = blocked[key];
          const b = rowwise[key];
          // Scale of each entry: the statistic's count times the data's squared magnitude.
          let scale = 0;
          for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i] as number));
          for (let c = 0; c < a.length; c++) {
            // The upper triangle of the scatter terms is never written by either kernel.
            expect(Math.abs((b[c] as number) - (a[c] as number))).toBeLessThanOrEqual(1e-12 * Math.max(scale, 1));
          }
        }
        expect(rowwise.counts[0]).toBeGreaterThan(0);
      });
    }
  }

  it('is not offered beyond MAX_SMALL_DIMENSION (the blocked kernels serve larger D)', () => {
    expect(smallFullKernels(MAX_SMALL_DIMENSION + 1)).toBeUndefined();
    expect(smallFullKernels(0)).toBeUndefined();
  });
});

describe('the Gaussian family dispatches full covariances of small D to these kernels', () => {
  afterEach(() => useSmallFullKernels(true));

  it('gives the same densities and statistics with them switched on and off (d = 3)', () => {
    const d = 3;
    const k = 4;
    const rows = 700;
    const { x, prepared, weights } = problem(d, k, rows, 7);
    const family = gaussianFamily({ covariance: 'full' });
    const data = new DenseMatrix(x, rows, d);
    const run = () => {
      const out = new Float64Array(rows * k);
      family.logDensities(prepared, data, 0, rows, out);
      const stats = family.zeroStatistics({ covarianceType: 'full', dimension: d, means: prepared.means, covariances: new Float64Array(k * d * d) });
      family.accumulate(prepared, stats, data, 0, rows, weights);
      return { out, scatter: stats.scatter };
    };
    const on = run();
    useSmallFullKernels(false);
    expect(smallFullKernels(d)).toBeUndefined();
    const off = run();
    for (let i = 0; i < on.out.length; i++) expect(Math.abs((on.out[i] as number) - (off.out[i] as number))).toBeLessThan(1e-12 * Math.abs(off.out[i] as number));
    for (let i = 0; i < on.scatter.length; i++) expect(Math.abs((on.scatter[i] as number) - (off.scatter[i] as number))).toBeLessThan(1e-10 * Math.max(1, Math.abs(off.scatter[i] as number)));
    // The statistics compared are not trivially zero.
    expect(on.scatter.some((v) => Math.abs(v) > 1)).toBe(true);
  });
});
