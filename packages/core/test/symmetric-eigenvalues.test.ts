import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from '../src/index.js';

describe('symmetricEigenvalues (found by the CLI fuzz suite: a saved covariance holding −1e308)', () => {
  it('does not overflow inside the decomposition for entries near the largest double', () => {
    const values = symmetricEigenvalues(Float64Array.from([-1e308, 0, 0, 1]), 2);
    expect(values).toEqual([-1e308, 1]);
    const big = symmetricEigenvalues(Float64Array.from([1e308, 5e307, 5e307, 1e308]), 2);
    expect(big[0]).toBeCloseTo(5e307, -300);
    expect(big[0]! / 5e307).toBeCloseTo(1, 12);
    expect(big[1]! / 1.5e308).toBeCloseTo(1, 12);
  });

  it('agrees with the unscaled decomposition on ordinary matrices, and handles zero and non-finite input', () => {
    const values = symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    expect(symmetricEigenvalues(new Float64Array(4), 2)).toEqual([0, 0]);
    expect(symmetricEigenvalues(Float64Array.from([Number.NaN, 0, 0, 1]), 2).every(Number.isNaN)).toBe(true);
  });
});
