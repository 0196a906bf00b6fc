import { DenseMatrix, fitEm, type FitResult, type FitSummary, type MixtureParameters, type MixtureStatistics, type ParametersOf, type StatisticsOf } from '@em/core';
import { expectTypeOf, test } from 'vitest';
import { createPoissonMixtureModel, type PoissonComponents, PoissonMixture, type PoissonMixtureParameters, type PoissonStatistics } from '../src/index.js';

// Type tests run under `vitest --typecheck` (never executed): the model's parameter and statistics
// types must flow through the fit loops without widening to any.
test('parameters and statistics keep their types through fitEm', () => {
  const model = createPoissonMixtureModel({ components: 2 });
  expectTypeOf<ParametersOf<typeof model>>().toEqualTypeOf<MixtureParameters<PoissonComponents>>();
  expectTypeOf<StatisticsOf<typeof model>>().toEqualTypeOf<MixtureStatistics<PoissonStatistics>>();
  const result = fitEm(model, { observations: DenseMatrix.from([[1, 2]]) });
  expectTypeOf(result).toEqualTypeOf<FitResult<MixtureParameters<PoissonComponents>>>();
});

test('the estimator’s members keep their types', () => {
  const model = new PoissonMixture({ components: 2, seed: 1 });
  expectTypeOf(model.fit([[1, 2]])).toEqualTypeOf<FitSummary<PoissonMixtureParameters>>();
  expectTypeOf(model.parameters).toEqualTypeOf<PoissonMixtureParameters>();
  expectTypeOf(model.modelParameters).toEqualTypeOf<MixtureParameters<PoissonComponents>>();
  expectTypeOf(model.predict([[1, 2]])).toEqualTypeOf<Int32Array>();
  expectTypeOf(model.predictProba([[1, 2]])).toEqualTypeOf<number[][]>();
  expectTypeOf(PoissonMixture.fromJSON('{}')).toEqualTypeOf<PoissonMixture>();
  // @ts-expect-error — components is required
  new PoissonMixture({ seed: 1 });
});

