// Gaussian emissions with one tied covariance against an independent two-pass Baum–Welch
// (scripts/tied-gaussian-reference.py), from the same start, no prior. Regression for issue 10:
// on states 30 apart with correlation 0.9999 the tied update was deferred ("waits one
// iteration") at every step and the covariance stayed at its start value, the identity.
import { DenseMatrix, Sequences, fitEm, type FitEvent } from '@em/core';
import { gaussianFamily } from '@em/gaussian-mixture';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel, createHmmModel } from '../src/index.js';
import reference from './__fixtures__/tied-gaussian-reference.json' with { type: 'json' };

function maxRelative(actual: readonly number[], expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  return Math.max(...expected.map((e, i) => Math.abs((actual[i] as number) - e) / Math.abs(e)));
}

function degenerateMessages(events: readonly FitEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'degenerate-component' ? [e.message] : []));
}

const iterations = reference.history.length - 1;

describe('Gaussian emissions, tied covariance: separated states with correlation 0.9999', () => {
  it(`log-likelihood at θ_0 … θ_${iterations} within 1e-9 relative of the two-pass reference, no deferred update`, () => {
    const family = gaussianFamily({ covariance: 'tied', regCovar: 0 });
    const model = createHmmModel(family, { states: 3 });
    const data = new Sequences(DenseMatrix.from(reference.observations), reference.lengths);
    const initialParameters = {
      startProbabilities: Float64Array.from(reference.init.startProbabilities),
      transitionMatrix: Float64Array.from(reference.init.transitionMatrix.flat()),
      emissions: { covarianceType: 'tied' as const, dimension: 2, means: Float64Array.from(reference.init.means.flat()), covariances: Float64Array.from(reference.init.covariance.flat()) },
    };
    const events: FitEvent[] = [];
    const result = fitEm(model, data, { initialParameters, maxIterations: iterations, tolerance: 0, onEvent: (e) => events.push(e) });
    expect(degenerateMessages(events)).toEqual([]);
    const worst = maxRelative(result.history, reference.history);
    console.info(`tied Gaussian emissions: max relative log-likelihood difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-9);
    const covariance = Array.from(result.parameters.emissions.covariances);
    const expected = reference.final.covariance.flat();
    // Entries in units of the reference's standard deviations (the matrix is nearly singular).
    const unit = Math.sqrt((expected[0] as number) * (expected[3] as number));
    for (let i = 0; i < 4; i++) expect(Math.abs((covariance[i] as number) - (expected[i] as number)) / unit).toBeLessThan(1e-8);
    expect(maxRelative(Array.from(result.parameters.transitionMatrix), reference.final.transitionMatrix.flat())).toBeLessThan(1e-8);
  });

  it('the estimator with { type: gaussian, covariance: tied } converges to the reference optimum without a deferred update', () => {
    const events: FitEvent[] = [];
    const hmm = new HiddenMarkovModel({
      states: 3,
      emission: { type: 'gaussian', covariance: 'tied' },
      init: {
        startProbabilities: reference.init.startProbabilities,
        transitionMatrix: reference.init.transitionMatrix,
        emissions: { covarianceType: 'tied', dimension: 2, means: reference.init.means.flat(), covariances: reference.init.covariance.flat() },
      },
      maxIterations: 200,
    });
    const fit = hmm.fit(reference.observations, { onEvent: (e) => events.push(e) });
    expect(degenerateMessages(events)).toEqual([]);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.logLikelihood - (reference.history.at(-1) as number))).toBeLessThan(0.05);
  });
});
