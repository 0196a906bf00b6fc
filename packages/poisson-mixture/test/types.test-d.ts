import { DenseMatrix, fitEm, type FitResult, type MixtureParameters, type MixtureStatistics, type ParametersOf, type StatisticsOf } from '@em/core';
import { expectTypeOf, test } from 'vitest';
import { createPoissonMixtureModel, type PoissonComponents, type PoissonStatistics } from '../src/index.js';

// Type tests run under `vitest --typecheck` (never executed): the model's parameter and statistics
// types must flow through the fit loops without widening to any.
test('parameters and statistics keep their types through fitEm', () => {
  const model = createPoissonMixtureModel({ components: 2 });
  expectTypeOf<ParametersOf<typeof model>>().toEqualTypeOf<MixtureParameters<PoissonComponents>>();
  expectTypeOf<StatisticsOf<typeof model>>().toEqualTypeOf<MixtureStatistics<PoissonStatistics>>();
  const result = fitEm(model, { observations: DenseMatrix.from([[1, 2]]) });
  expectTypeOf(result).toEqualTypeOf<FitResult<MixtureParameters<PoissonComponents>>>();
  expectTypeOf(result.parameters.components.rates).toEqualTypeOf<Float64Array>();
});
