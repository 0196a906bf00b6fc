import { choleskyInPlace } from '@em/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simplexArbitrary, spdMatrixArbitrary, stochasticMatrixArbitrary } from '../src/index.js';

const seed = Number(process.env['EM_CONFORMANCE_SEED'] ?? 12345);

describe('arbitraries', () => {
  it('simplexArbitrary gives probability vectors with entries ≥ minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }).chain((k) => simplexArbitrary(k, { minimum: 0.01 }).map((p) => [k, p] as const)), ([k, p]) => {
        expect(p).toBeInstanceOf(Float64Array);
        expect(p.length).toBe(k);
        expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
        expect(Math.min(...p)).toBeGreaterThanOrEqual(0.01 - 1e-15);
      }),
      { seed, numRuns: 50 },
    );
    expect(() => simplexArbitrary(4, { minimum: 0.25 })).toThrow(RangeError);
  });

  it('stochasticMatrixArbitrary gives rows that each sum to one', () => {
    fc.assert(
      fc.property(stochasticMatrixArbitrary(3, 4), (m) => {
        expect(m.length).toBe(12);
        for (let i = 0; i < 3; i++) expect(Math.abs(m.subarray(i * 4, i * 4 + 4).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      }),
      { seed, numRuns: 30 },
    );
  });

  it('spdMatrixArbitrary gives exactly symmetric matrices with a Cholesky factor and a diagonal ≥ ridge', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((d) => spdMatrixArbitrary(d, { ridge: 0.2 }).map((m) => [d, m] as const)), ([d, m]) => {
        for (let i = 0; i < d; i++) {
          expect(m[i * d + i]).toBeGreaterThanOrEqual(0.2);
          for (let j = 0; j < d; j++) expect(m[i * d + j]).toBe(m[j * d + i]);
        }
        expect(choleskyInPlace(m, d, new Float64Array(d * d))).toBe(-1);
      }),
      { seed, numRuns: 50 },
    );
  });
});
