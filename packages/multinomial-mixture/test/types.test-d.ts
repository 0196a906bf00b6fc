import type { CsrMatrix, EstimatorSample, FitResult, FitSummary, IterationInfo, MixtureParameters } from '@em/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type BernoulliComponents,
  BernoulliMixture,
  type CategoricalComponents,
  CategoricalMixture,
  type LatentClassParameters,
  MultinomialMixture,
  type MultinomialFitSummary,
  type MultinomialComponents,
  type ProbabilityTableParameters,
  categoricalFamily,
  createCategoricalMixtureModel,
  createMultinomialMixtureModel,
} from '../src/index.js';
import { fitEm } from '@em/core';

describe('types flow through fit without any', () => {
  it('domain classes expose plain parameter shapes', () => {
    expectTypeOf(new MultinomialMixture({ components: 2 }).fit([[1, 2]]).parameters).toEqualTypeOf<ProbabilityTableParameters>();
    expectTypeOf(new MultinomialMixture({ components: 2 }).fit([[1, 2]]).logMultinomialCoefficient).toEqualTypeOf<number>();
    expectTypeOf(new BernoulliMixture({ components: 2 }).parameters).toEqualTypeOf<ProbabilityTableParameters>();
    expectTypeOf(new CategoricalMixture({ components: 2, categories: [2] }).parameters).toEqualTypeOf<LatentClassParameters>();
    expectTypeOf(new BernoulliMixture({ components: 2 }).modelParameters).toEqualTypeOf<MixtureParameters<BernoulliComponents>>();
  });

  it('every estimator has the shared members with one shape', () => {
    const multinomial = new MultinomialMixture({ components: 2 });
    const bernoulli = new BernoulliMixture({ components: 2 });
    const categorical = new CategoricalMixture({ components: 2, categories: [2] });
    expectTypeOf(multinomial.fit(null as unknown as CsrMatrix)).toEqualTypeOf<MultinomialFitSummary>();
    expectTypeOf(multinomial.fitAsync([[1, 2]])).resolves.toEqualTypeOf<MultinomialFitSummary>();
    expectTypeOf(multinomial.lastFit).toEqualTypeOf<MultinomialFitSummary | undefined>();
    expectTypeOf(bernoulli.fit([[1, 0]])).toEqualTypeOf<FitSummary<ProbabilityTableParameters>>();
    expectTypeOf(categorical.fit([[1]])).toEqualTypeOf<FitSummary<LatentClassParameters>>();
    expectTypeOf(categorical.modelParameters).toEqualTypeOf<MixtureParameters<CategoricalComponents>>();
    for (const estimator of [multinomial, bernoulli, categorical]) {
      expectTypeOf(estimator.predict([[1, 0]])).toEqualTypeOf<Int32Array>();
      expectTypeOf(estimator.fitPredict([[1, 0]])).toEqualTypeOf<Int32Array>();
      expectTypeOf(estimator.predictProba([[1, 0]])).toEqualTypeOf<number[][]>();
      expectTypeOf(estimator.scoreSamples([[1, 0]])).toEqualTypeOf<Float64Array>();
      expectTypeOf(estimator.score([[1, 0]], { sampleWeights: [1] })).toEqualTypeOf<number>();
      expectTypeOf(estimator.bic([[1, 0]])).toEqualTypeOf<number>();
      expectTypeOf(estimator.sample(2)).toEqualTypeOf<EstimatorSample>();
      expectTypeOf(estimator.isFitted).toEqualTypeOf<boolean>();
    }
    expectTypeOf(MultinomialMixture.fromJSON('{}')).toEqualTypeOf<MultinomialMixture>();
    expectTypeOf(BernoulliMixture.fromJSON('{}')).toEqualTypeOf<BernoulliMixture>();
    expectTypeOf(CategoricalMixture.fromJSON('{}')).toEqualTypeOf<CategoricalMixture>();
    new CategoricalMixture({
      components: 2,
      categories: [2],
      onIteration: (info) => expectTypeOf(info).toEqualTypeOf<IterationInfo<MixtureParameters<CategoricalComponents>>>(),
    });
  });

  it('core fit loops infer the family types', () => {
    const model = createMultinomialMixtureModel({ components: 2 });
    expectTypeOf(fitEm(model, { observations: null as never })).toEqualTypeOf<FitResult<MixtureParameters<MultinomialComponents>>>();
    expectTypeOf(createCategoricalMixtureModel({ components: 2, categories: [3] }).family.zeroStatistics).returns.toEqualTypeOf<{ readonly counts: Float64Array }>();
    expectTypeOf(categoricalFamily({ categories: [3] }).prepare).parameter(0).toEqualTypeOf<CategoricalComponents>();
  });
});
