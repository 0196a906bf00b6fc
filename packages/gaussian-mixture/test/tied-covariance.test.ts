// The tied covariance update against an independent two-pass (centred) NumPy EM
// (scripts/generate-tied-reference.py, extended-precision sums), from the same start, regCovar 0.
// Regression for issue 10: on separated, correlated clusters the tied update was deferred
// ("waits one iteration") at every step and the covariance stayed at its start value.
import type { FitEvent } from '@em/core';
import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/tied-reference.json' with { type: 'json' };
import { DenseMatrix, fitEm, fitEmIncremental, gaussianMixtureModel } from './imports.js';
import { firstDecrease } from './helpers.js';
import { GaussianMixture } from '../src/index.js';

interface ReferenceCase {
  readonly data: number[][];
  readonly init: { readonly weights: number[]; readonly means: number[][]; readonly covariances: number[][] };
  readonly iterations: number;
  readonly logLikelihood: number[];
  readonly final: { readonly weights: number[]; readonly means: number[][]; readonly covariance: number[][] };
}

const cases = reference.cases as unknown as Record<string, ReferenceCase>;

function maxRelative(actual: readonly number[], expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    worst = Math.max(worst, Math.abs((actual[i] as number) - e) / Math.abs(e));
  }
  return worst;
}

/** Largest |Σ − Σ_ref| entry in units of √(Σ_ref,aa·Σ_ref,bb) (scale-free, like a correlation error). */
function covarianceError(actual: readonly number[][], expected: readonly number[][]): number {
  let worst = 0;
  for (let a = 0; a < expected.length; a++) {
    for (let b = 0; b < expected.length; b++) {
      const unit = Math.sqrt((expected[a]![a] as number) * (expected[b]![b] as number));
      worst = Math.max(worst, Math.abs((actual[a]![b] as number) - (expected[a]![b] as number)) / unit);
    }
  }
  return worst;
}

function fitCase(c: ReferenceCase, events: FitEvent[]) {
  const model = new GaussianMixture({ components: c.init.weights.length, covariance: 'tied', regCovar: 0, tolerance: 0, maxIterations: c.iterations, init: c.init });
  const fit = model.fit(c.data, { onEvent: (event) => events.push(event) });
  return { model, fit };
}

describe('tied covariance against a two-pass NumPy reference (regCovar 0, same start)', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: log-likelihood at θ_0 … θ_${c.iterations} within 1e-9 relative, no deferred update, final covariance within 1e-8`, () => {
      const events: FitEvent[] = [];
      const { model, fit } = fitCase(c, events);
      const deferred = events.filter((e) => e.type === 'degenerate-component');
      expect(deferred.map((e) => (e.type === 'degenerate-component' ? e.message : ''))).toEqual([]);
      const worst = maxRelative(fit.logLikelihoodHistory, c.logLikelihood);
      console.info(`tied reference ${name}: max relative log-likelihood difference ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-9);
      const p = model.parameters;
      expect(covarianceError(p.covariances as number[][], c.final.covariance)).toBeLessThan(1e-8);
      expect(maxRelative(p.weights, c.final.weights)).toBeLessThan(1e-8);
    });
  }

  it('separated-correlated: the covariance leaves the identity after the first iteration and the fit reaches the reference optimum', () => {
    const c = cases['separated-correlated'] as ReferenceCase;
    const model = new GaussianMixture({ components: 3, covariance: 'tied', regCovar: 0, tolerance: 0, maxIterations: 1, init: c.init });
    model.fit(c.data);
    const covariance = model.parameters.covariances as number[][];
    // The within-cluster correlation is 0.9999; the start was uncorrelated.
    expect((covariance[0]![1] as number) / Math.sqrt((covariance[0]![0] as number) * (covariance[1]![1] as number))).toBeGreaterThan(0.99);
    const converged = new GaussianMixture({ components: 3, covariance: 'tied', regCovar: 0, init: c.init }).fit(c.data);
    expect(converged.converged).toBe(true);
    // The default stopping rule ends within a nat of the reference's 30-iteration value.
    expect(Math.abs(converged.logLikelihood - (c.logLikelihood.at(-1) as number))).toBeLessThan(1);
  });
});

describe('tied statistics merge exactly across chunks gathered at different parameters', () => {
  it('incremental EM on the separated-correlated case never decreases the objective and agrees with batch EM at its optimum', () => {
    const c = cases['separated-correlated'] as ReferenceCase;
    const model = gaussianMixtureModel({ components: 3, covariance: 'tied', regCovar: 0 });
    const data = { observations: DenseMatrix.from(c.data) };
    const initialParameters = {
      weights: Float64Array.from(c.init.weights),
      components: { covarianceType: 'tied' as const, dimension: 2, means: Float64Array.from(c.init.means.flat()), covariances: Float64Array.from(c.init.covariances.flat()) },
    };
    const events: FitEvent[] = [];
    const incremental = fitEmIncremental(model, data, { initialParameters, chunks: 7, maxIterations: 40, tolerance: 0, onEvent: (e) => events.push(e) });
    expect(events.filter((e) => e.type === 'degenerate-component')).toEqual([]);
    expect(firstDecrease(incremental.history)).toBe(-1);
    const batch = fitEm(model, data, { initialParameters, maxIterations: 40, tolerance: 0 });
    expect(Math.abs(incremental.logLikelihood - batch.logLikelihood) / Math.abs(batch.logLikelihood)).toBeLessThan(1e-9);
  });
});
