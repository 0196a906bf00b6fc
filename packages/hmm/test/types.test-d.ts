import { DenseMatrix, type EstimatorSample, type FitSummary, type IterationInfo, Sequences, fitEm } from '@em/core';
import { gaussianFamily, type GaussianComponents } from '@em/gaussian-mixture';
import { categoricalFamily, type CategoricalComponents } from '@em/multinomial-mixture';
import { describe, expectTypeOf, it } from 'vitest';
import { createHmmModel, HiddenMarkovModel, type HmmFitSummary, type HmmParameters, type HmmParametersJson, type HmmStatistics } from '../src/index.js';

describe('types flow from the emission family through fit', () => {
  it('a family fixes the parameter type of the domain class', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: gaussianFamily({ covariance: 'diagonal' }) });
    expectTypeOf(hmm.fit([[0], [1]])).toEqualTypeOf<HmmFitSummary>();
    expectTypeOf(hmm.fit([[0], [1]])).toEqualTypeOf<FitSummary<HmmParametersJson>>();
    expectTypeOf(hmm.fitAsync({ observations: [[0], [1]], lengths: [1, 1] })).resolves.toEqualTypeOf<HmmFitSummary>();
    expectTypeOf(hmm.modelParameters).toEqualTypeOf<HmmParameters<GaussianComponents>>();
    expectTypeOf(hmm.modelParameters.emissions).toEqualTypeOf<GaussianComponents>();
    expectTypeOf(hmm.decode([[0]]).states).toEqualTypeOf<Int32Array>();
    new HiddenMarkovModel({
      states: 2,
      emission: gaussianFamily({ covariance: 'diagonal' }),
      onIteration: (info) => expectTypeOf(info).toEqualTypeOf<IterationInfo<HmmParameters<GaussianComponents>>>(),
    });
  });

  it('the shared members have the shape every estimator has, per time step', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 } });
    const sequences = { observations: [0, 1, 2], lengths: [1, 2] };
    expectTypeOf(hmm.predict(sequences)).toEqualTypeOf<Int32Array>();
    expectTypeOf(hmm.fitPredict(new Sequences(DenseMatrix.from([0, 1])))).toEqualTypeOf<Int32Array>();
    expectTypeOf(hmm.predictProba(sequences)).toEqualTypeOf<number[][]>();
    expectTypeOf(hmm.scoreSamples(sequences)).toEqualTypeOf<Float64Array>();
    expectTypeOf(hmm.score(sequences)).toEqualTypeOf<number>();
    expectTypeOf(hmm.sample(3, { startState: 1 })).toEqualTypeOf<EstimatorSample>();
    expectTypeOf(hmm.lastFit).toEqualTypeOf<HmmFitSummary | undefined>();
    expectTypeOf(HiddenMarkovModel.fromJSON('{}')).toEqualTypeOf<HiddenMarkovModel>();
    // @ts-expect-error — lengths travel with the observations, not as a second argument
    hmm.fit([0, 1, 2], [1, 2]);
  });

  it('the EmModel carries parameters and statistics types into fitEm', () => {
    const model = createHmmModel(categoricalFamily({ categories: [3] }), { states: 2 });
    const result = fitEm(model, new Sequences(DenseMatrix.from([0, 1, 2])));
    expectTypeOf(result.parameters).toEqualTypeOf<HmmParameters<CategoricalComponents>>();
    expectTypeOf(model.zeroStatistics(result.parameters)).toEqualTypeOf<HmmStatistics<{ readonly counts: Float64Array }>>();
  });
});
