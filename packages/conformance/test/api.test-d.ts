import type { MixtureStatistics, Random } from '@em/core';
import { describe, expectTypeOf, it } from 'vitest';
import { checkEmConformance, type ConformanceCase, type EmConformanceOptions, type LawInput, type LawName } from '../src/index.js';
import { correctModel } from './fixtures/broken-models.js';
import { poissonCaseArbitrary, type PoissonData, type PoissonParameters } from './fixtures/poisson-cases.js';
import type { PoissonStatistics } from './fixtures/poisson-family.js';

describe('types flow from the model through the kit without any', () => {
  it('infers parameters, data and statistics from the model', () => {
    const report = checkEmConformance({
      model: correctModel,
      arbitraryCase: poissonCaseArbitrary(),
      perturb: (parameters, random) => {
        expectTypeOf(parameters).toEqualTypeOf<PoissonParameters>();
        expectTypeOf(random).toEqualTypeOf<Random>();
        return parameters;
      },
    });
    expectTypeOf(report.failed).toEqualTypeOf<readonly LawName[]>();
    expectTypeOf(report.laws[0]?.details?.counterexample).toEqualTypeOf<LawInput<PoissonParameters, PoissonData> | null | undefined>();
  });

  it('rejects an opt-out without a reason and an unknown law', () => {
    type Options = EmConformanceOptions<PoissonParameters, PoissonData, MixtureStatistics<PoissonStatistics>>;
    expectTypeOf<{ 'incremental-em': { skip: string } }>().toMatchTypeOf<NonNullable<Options['laws']>>();
    expectTypeOf<{ 'incremental-em': true }>().not.toMatchTypeOf<NonNullable<Options['laws']>>();
    expectTypeOf<{ 'no-such-law': { skip: string } }>().not.toMatchTypeOf<NonNullable<Options['laws']>>();
    expectTypeOf<Options['model']>().parameter(0).toEqualTypeOf<ConformanceCase<PoissonParameters, PoissonData>>();
  });
});
