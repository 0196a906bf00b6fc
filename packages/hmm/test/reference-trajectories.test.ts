// Log-likelihood trajectories against an independent float64 log-space Baum–Welch
// (scripts/reference.py, hmmlearn 0.3's updates with priors off), from the same start.
import { DenseMatrix, Sequences, fitEm } from '@em/core';
import { gaussianFamily } from '@em/gaussian-mixture';
import { categoricalFamily } from '@em/multinomial-mixture';
import { describe, expect, it } from 'vitest';
import { createHmmModel } from '../src/index.js';
import reference from './__fixtures__/reference-trajectories.json' with { type: 'json' };

interface CategoricalCase {
  observations: number[];
  lengths: number[];
  init: { startProbabilities: number[]; transitionMatrix: number[][]; emissionProbabilities: number[][] };
  history: number[];
  final: { startProbabilities: number[]; transitionMatrix: number[][]; emissionProbabilities: number[][] };
}

function maxRelative(actual: readonly number[], expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  return Math.max(...expected.map((e, i) => Math.abs((actual[i] as number) - e) / Math.max(1, Math.abs(e))));
}

describe.each([
  ['one long sequence', reference.cases.categoricalLong as CategoricalCase],
  ['many short sequences', reference.cases.categoricalShort as CategoricalCase],
])('categorical emissions, %s', (_name, c) => {
  it('log-likelihood at θ_0 … θ_n and θ_n agree to 1e-10 relative', () => {
    const family = categoricalFamily({ categories: [4], pseudocount: 0 });
    const model = createHmmModel(family, { states: 3 });
    const data = new Sequences(DenseMatrix.from(c.observations), c.lengths);
    const initialParameters = {
      startProbabilities: Float64Array.from(c.init.startProbabilities),
      transitionMatrix: Float64Array.from(c.init.transitionMatrix.flat()),
      emissions: family.componentsFromJSON({ probabilities: c.init.emissionProbabilities.map((row) => [row]) }),
    };
    const result = fitEm(model, data, { initialParameters, maxIterations: c.history.length - 1, tolerance: 0 });
    const worst = maxRelative(result.history, c.history);
    console.info(`categorical ${_name}: max relative log-likelihood difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-10);
    const p = result.parameters;
    expect(maxRelative(Array.from(p.startProbabilities), c.final.startProbabilities)).toBeLessThan(1e-8);
    expect(maxRelative(Array.from(p.transitionMatrix), c.final.transitionMatrix.flat())).toBeLessThan(1e-8);
    expect(maxRelative(Array.from(p.emissions.probabilities), c.final.emissionProbabilities.flat())).toBeLessThan(1e-8);
  });
});

interface GaussianCase {
  observations: number[][];
  lengths: number[];
  init: { startProbabilities: number[]; transitionMatrix: number[][]; means: number[][]; covariances: number[][][] };
  history: number[];
  final: { startProbabilities: number[]; transitionMatrix: number[][]; means: number[][]; covariances: number[][][] };
}

describe.each([
  ['one long sequence', reference.cases.gaussianLong as GaussianCase],
  ['many short sequences', reference.cases.gaussianShort as GaussianCase],
])('Gaussian emissions (full covariance), %s', (name, c) => {
  it('log-likelihood at θ_0 … θ_n and θ_n agree to 1e-10 relative', () => {
    const family = gaussianFamily({ covariance: 'full', regCovar: 0 });
    const model = createHmmModel(family, { states: 3 });
    const data = new Sequences(DenseMatrix.from(c.observations), c.lengths);
    const initialParameters = {
      startProbabilities: Float64Array.from(c.init.startProbabilities),
      transitionMatrix: Float64Array.from(c.init.transitionMatrix.flat()),
      emissions: { covarianceType: 'full' as const, dimension: 2, means: Float64Array.from(c.init.means.flat()), covariances: Float64Array.from(c.init.covariances.flat(2)) },
    };
    const result = fitEm(model, data, { initialParameters, maxIterations: c.history.length - 1, tolerance: 0 });
    const worst = maxRelative(result.history, c.history);
    console.info(`Gaussian ${name}: max relative log-likelihood difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-10);
    const p = result.parameters;
    expect(maxRelative(Array.from(p.transitionMatrix), c.final.transitionMatrix.flat())).toBeLessThan(1e-8);
    expect(maxRelative(Array.from(p.emissions.means), c.final.means.flat())).toBeLessThan(1e-8);
    expect(maxRelative(Array.from(p.emissions.covariances), c.final.covariances.flat(2))).toBeLessThan(1e-8);
  });
});
