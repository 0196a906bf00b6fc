import { DenseMatrix, type FitResult, Sequences, fitEm } from '@em/core';
import { gaussianFamily, type GaussianComponents } from '@em/gaussian-mixture';
import { categoricalFamily, type CategoricalComponents } from '@em/multinomial-mixture';
import { describe, expectTypeOf, it } from 'vitest';
import { createHmmModel, HiddenMarkovModel, type HmmParameters, type HmmStatistics } from '../src/index.js';

describe('types flow from the emission family through fit', () => {
  it('a family fixes the parameter type of the domain class', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: gaussianFamily({ covariance: 'diagonal' }) });
    expectTypeOf(hmm.fit([[0], [1]])).toEqualTypeOf<FitResult<HmmParameters<GaussianComponents>>>();
    expectTypeOf(hmm.fittedParameters.emissions).toEqualTypeOf<GaussianComponents>();
    expectTypeOf(hmm.decode([[0]]).states).toEqualTypeOf<Int32Array>();
  });

  it('the EmModel carries parameters and statistics types into fitEm', () => {
    const model = createHmmModel(categoricalFamily({ categories: [3] }), { states: 2 });
    const result = fitEm(model, new Sequences(DenseMatrix.from([0, 1, 2])));
    expectTypeOf(result.parameters).toEqualTypeOf<HmmParameters<CategoricalComponents>>();
    expectTypeOf(model.zeroStatistics(result.parameters)).toEqualTypeOf<HmmStatistics<{ readonly counts: Float64Array }>>();
  });
});
