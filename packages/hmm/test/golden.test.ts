import { DenseMatrix, Sequences } from '@em/core';
import { categoricalFamily } from '@em/multinomial-mixture';
import { describe, expect, it } from 'vitest';
import { createHmmModel, ForwardBackwardWorkspace, forwardScaled, HiddenMarkovModel } from '../src/index.js';
import golden from './__fixtures__/golden.json' with { type: 'json' };

interface CategoricalExample {
  startProbabilities: number[];
  transitionMatrix: number[][];
  emissionProbabilities: number[][];
  observations: number[];
}

function setup(example: CategoricalExample) {
  const family = categoricalFamily({ categories: [example.emissionProbabilities[0]?.length ?? 0], pseudocount: 0 });
  const model = createHmmModel(family, { states: example.startProbabilities.length });
  const params = {
    startProbabilities: Float64Array.from(example.startProbabilities),
    transitionMatrix: Float64Array.from(example.transitionMatrix.flat()),
    emissions: family.componentsFromJSON({ probabilities: example.emissionProbabilities.map((row) => [row]) }),
  };
  const data = new Sequences(DenseMatrix.from(example.observations));
  return { model, params, data, family };
}

/** |actual − expected| ≤ tolerance·max(1, |expected|) (golden values carry 10 significant digits). */
function close(actual: number, expected: number, tolerance = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

describe('golden: Rainy/Sunny (Wikipedia HMM example)', () => {
  const g = golden.hmm_rainy_sunny;
  it('likelihood, posteriors and Viterbi path/probability', () => {
    const { model, params, data } = setup(g);
    close(model.logLikelihood(params, data), g.logLikelihood, 1e-13);
    close(Math.exp(model.logLikelihood(params, data)), g.probability, 1e-12);
    const gamma = model.posteriors(params, data);
    g.posteriors.flat().forEach((p, i) => close(gamma[i] as number, p));
    const v = model.viterbi(params, data);
    expect(Array.from(v.states)).toEqual(g.viterbi.path);
    close(Math.exp(v.logProbabilities[0] as number), g.viterbi.probability, 1e-12);
  });
});

describe('golden: Healthy/Fever (Wikipedia Viterbi example)', () => {
  const g = golden.hmm_healthy_fever;
  it('forward variables (unscaled) from the scaled recursion', () => {
    const { params, data, family } = setup(g);
    const workspace = new ForwardBackwardWorkspace();
    workspace.ensure(3, 2);
    family.logDensities(family.prepare(params.emissions), data.observations, 0, 3, workspace.emission);
    const outcome = { logLikelihood: 0, impossibleAt: -1 };
    forwardScaled(2, 3, params.startProbabilities, params.transitionMatrix, workspace, outcome);
    let logScale = 0;
    for (let t = 0; t < 3; t++) {
      logScale += Math.log(workspace.scales[t] as number) + (workspace.shifts[t] as number);
      for (let k = 0; k < 2; k++) close((workspace.forward[t * 2 + k] as number) * Math.exp(logScale), g.forward[t]?.[k] as number, 1e-12);
    }
    close(outcome.logLikelihood, g.logLikelihood, 1e-13);
    close(Math.exp(outcome.logLikelihood), g.probability, 1e-12);
  });

  it('Viterbi path and probability', () => {
    const { model, params, data } = setup(g);
    const v = model.viterbi(params, data);
    expect(Array.from(v.states)).toEqual(g.viterbi.path);
    close(Math.exp(v.logProbabilities[0] as number), g.viterbi.probability, 1e-12);
  });

  it('one Baum–Welch step', () => {
    const { model, params, data } = setup(g);
    const { statistics } = model.eStep(params, data);
    const next = model.mStep(statistics, params);
    const after = g.afterOneBaumWelchStep;
    after.startProbabilities.forEach((p, i) => close(next.startProbabilities[i] as number, p));
    after.transitionMatrix.flat().forEach((p, i) => close(next.transitionMatrix[i] as number, p));
    after.emissionProbabilities.flat().forEach((p, i) => close(next.emissions.probabilities[i] as number, p));
    close(model.logLikelihood(next, data), after.logLikelihood, 1e-12);
  });
});

describe('golden: Stamp (A Revealing Introduction to HMMs)', () => {
  const g = golden.hmm_stamp;
  it('probability, posteriors, posterior decoding and Viterbi', () => {
    const { params, data } = setup(g);
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 } }).setModelParameters(params);
    close(Math.exp(hmm.logLikelihood(data)), g.probability, 1e-7); // the source prints 5 significant digits
    const gamma = hmm.predictProba(data);
    g.posteriors.flat().forEach((p, i) => close(gamma.flat()[i] as number, p, 1e-5));
    expect(Array.from(hmm.decode(data, { algorithm: 'map' }).states)).toEqual(g.posteriorDecoding);
    const viterbi = hmm.decode(data);
    expect(Array.from(viterbi.states)).toEqual(g.viterbi.path);
    close(Math.exp(viterbi.logProbability), g.viterbi.probability, 1e-12);
  });
});

describe('golden: one-dimensional Gaussian HMM', () => {
  const g = golden.hmm_gaussian_1d;
  it('likelihood and Viterbi path/log-probability', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'gaussian', covariance: 'diagonal' } }).setModelParameters({
      startProbabilities: Float64Array.from(g.startProbabilities),
      transitionMatrix: Float64Array.from(g.transitionMatrix.flat()),
      emissions: { covarianceType: 'diagonal', dimension: 1, means: Float64Array.from(g.means), covariances: Float64Array.from(g.variances) },
    });
    close(hmm.logLikelihood(g.observations), g.logLikelihood, 1e-13);
    const viterbi = hmm.decode(g.observations);
    expect(Array.from(viterbi.states)).toEqual(g.viterbi.path);
    close(viterbi.logProbability, g.viterbi.logProbability, 1e-13);
  });
});
