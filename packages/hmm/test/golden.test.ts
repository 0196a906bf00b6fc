import { DenseMatrix, Sequences } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createHmmModel } from '../src/index.js';
import golden from './__fixtures__/golden.json' with { type: 'json' };
import { categoricalComponents, testCategoricalFamily } from './fixtures/test-families.js';

interface CategoricalExample {
  startProbabilities: number[];
  transitionMatrix: number[][];
  emissionProbabilities: number[][];
  observations: number[];
}

function setup(example: CategoricalExample) {
  const model = createHmmModel(testCategoricalFamily(3), { states: 2 });
  const params = {
    startProbabilities: Float64Array.from(example.startProbabilities),
    transitionMatrix: Float64Array.from(example.transitionMatrix.flat()),
    emissions: categoricalComponents(example.emissionProbabilities),
  };
  const data = new Sequences(DenseMatrix.from(example.observations));
  return { model, params, data };
}

function close(actual: number, expected: number, relative = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe('golden categorical examples', () => {
  it('Rainy/Sunny: likelihood, posteriors and Viterbi', () => {
    const g = golden.hmm_rainy_sunny;
    const { model, params, data } = setup(g);
    close(model.logLikelihood(params, data), g.logLikelihood, 1e-12);
    close(Math.exp(model.logLikelihood(params, data)), g.probability);
    const gamma = model.posteriors(params, data);
    g.posteriors.flat().forEach((p, i) => close(gamma[i] as number, p));
    const v = model.viterbi(params, data);
    expect(Array.from(v.states)).toEqual(g.viterbi.path);
    close(Math.exp(v.logProbabilities[0] as number), g.viterbi.probability);
  });
});
