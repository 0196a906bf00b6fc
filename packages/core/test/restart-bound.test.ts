import { describe, expect, it } from 'vitest';
import { fitEm, InvalidOptionsError, MAX_ITERATIONS, MAX_RESTARTS, type DenseMatrix, type MixtureData } from '../src/index.js';
import { gaussianMixture, gaussianSample } from './helpers/families.js';

// Found by the CLI fuzz suite: nInit = 1e9 allocated one random stream per restart before any
// check and exhausted the heap; nInit = 1e12 threw an untyped RangeError.
describe('nInit is bounded like any other allocation', () => {
  const data: MixtureData<DenseMatrix> = { observations: gaussianSample(50, [0.5, 0.5], [-2, 2], 3) };

  it.each([1e9, 1e12, MAX_RESTARTS + 1])('nInit %d is an InvalidOptionsError, at once', (nInit) => {
    const started = performance.now();
    expect(() => fitEm(gaussianMixture(2), data, { nInit, maxIterations: 1 })).toThrow(InvalidOptionsError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('MAX_RESTARTS itself is allowed (validated, not run here) and small counts fit', () => {
    expect(MAX_RESTARTS).toBe(10_000);
    const fit = fitEm(gaussianMixture(2), data, { nInit: 3, maxIterations: 5 });
    expect(fit.runs.length).toBe(3);
  });
});

// Found by the CLI fuzz suite: maxIterations = 1e9 with tolerance 0 grew the history until a
// 512 MB heap ran out.
describe('maxIterations is bounded', () => {
  const data: MixtureData<DenseMatrix> = { observations: gaussianSample(50, [0.5, 0.5], [-2, 2], 3) };

  it.each([1e9, MAX_ITERATIONS + 1])('maxIterations %d is an InvalidOptionsError, at once', (maxIterations) => {
    expect(() => fitEm(gaussianMixture(2), data, { maxIterations, tolerance: 0 })).toThrow(InvalidOptionsError);
  });

  it('MAX_ITERATIONS itself is accepted', () => {
    expect(MAX_ITERATIONS).toBe(1_000_000);
    const fit = fitEm(gaussianMixture(2), data, { maxIterations: MAX_ITERATIONS });
    expect(fit.converged).toBe(true);
  });
});
