import type { FitResult, MixtureParameters } from '@em/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type BernoulliComponents,
  BernoulliMixture,
  type CategoricalComponents,
  CategoricalMixture,
  type LatentClassParameters,
  MultinomialMixture,
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

  it('core fit loops infer the family types', () => {
    const model = createMultinomialMixtureModel({ components: 2 });
    expectTypeOf(fitEm(model, { observations: null as never })).toEqualTypeOf<FitResult<MixtureParameters<MultinomialComponents>>>();
    expectTypeOf(createCategoricalMixtureModel({ components: 2, categories: [3] }).family.zeroStatistics).returns.toEqualTypeOf<{ readonly counts: Float64Array }>();
    expectTypeOf(categoricalFamily({ categories: [3] }).prepare).parameter(0).toEqualTypeOf<CategoricalComponents>();
  });
});
