import { describe, expectTypeOf, it } from 'vitest';
import type { AsyncFitOptions, EstimatorSettings, ForwardedFitSetting, IterationInfo, ResolvedEstimatorSettings, ToleranceRule } from '../src/index.js';

describe('estimator settings are core fit options by name', () => {
  it('every forwarded setting is an AsyncFitOptions key with the same type', () => {
    expectTypeOf<ForwardedFitSetting>().toExtend<keyof AsyncFitOptions<unknown>>();
    expectTypeOf<EstimatorSettings<number>['onIteration']>().toEqualTypeOf<AsyncFitOptions<number>['onIteration']>();
    expectTypeOf<NonNullable<EstimatorSettings<number>['onIteration']>>().parameter(0).toEqualTypeOf<IterationInfo<number>>();
  });

  it('resolved settings carry their defaults as required values', () => {
    expectTypeOf<ResolvedEstimatorSettings['tolerance']>().toEqualTypeOf<number>();
    expectTypeOf<ResolvedEstimatorSettings['toleranceRule']>().toEqualTypeOf<ToleranceRule>();
    expectTypeOf<ResolvedEstimatorSettings['memoryBudget']>().toEqualTypeOf<number>();
    expectTypeOf<ResolvedEstimatorSettings['nInit']>().toEqualTypeOf<number>();
  });
});
