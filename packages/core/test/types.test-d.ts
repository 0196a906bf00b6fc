import { describe, expectTypeOf, it } from 'vitest';
import {
  fitEm,
  fitEmAsync,
  fitEmIncremental,
  fitEmStepwise,
  type DataOf,
  type DenseMatrix,
  type EStepResult,
  type FitResult,
  type IterationInfo,
  type MixtureData,
  type MixtureParameters,
  type MixtureStatistics,
  type ParametersOf,
  type StatisticsOf,
  type StepwiseResult,
  type Acceleration,
  type FitOptions,
  type ParameterMap,
} from '../src/index.js';
import { gaussianMixture, type MeanComponents, type MeanStatistics } from './helpers/families.js';

type Params = MixtureParameters<MeanComponents>;
type Data = MixtureData<DenseMatrix>;
type Stats = MixtureStatistics<MeanStatistics>;

describe('types flow from the family through the model into the fit loops', () => {
  const model = gaussianMixture(2);

  it('the model exposes its parameter, data and statistics types', () => {
    expectTypeOf<ParametersOf<typeof model>>().toEqualTypeOf<Params>();
    expectTypeOf<DataOf<typeof model>>().toEqualTypeOf<Data>();
    expectTypeOf<StatisticsOf<typeof model>>().toEqualTypeOf<Stats>();
    expectTypeOf<ParametersOf<typeof model>>().not.toBeAny();
    expectTypeOf(model.eStep).returns.toEqualTypeOf<EStepResult<Stats>>();
    expectTypeOf(model.mStep).parameter(0).toEqualTypeOf<Stats>();
    expectTypeOf<Stats['components']['mass']>().toEqualTypeOf<Float64Array>();
  });

  it('fitEm, fitEmIncremental, fitEmAsync and fitEmStepwise return the model parameters, not any', () => {
    const data: Data = null as unknown as Data;
    const result = fitEm(model, data, {
      onIteration: (info) => {
        expectTypeOf(info).toEqualTypeOf<IterationInfo<Params>>();
        expectTypeOf(info.parameters.components.means).toEqualTypeOf<Float64Array>();
      },
    });
    expectTypeOf(result).toEqualTypeOf<FitResult<Params>>();
    expectTypeOf(result.parameters).not.toBeAny();
    expectTypeOf(result.parameters.components.means).toEqualTypeOf<Float64Array>();
    expectTypeOf(fitEmIncremental(model, data)).toEqualTypeOf<FitResult<Params>>();
    expectTypeOf(fitEmAsync(model, data)).resolves.toEqualTypeOf<FitResult<Params>>();
    expectTypeOf(fitEmStepwise(model, [data])).toEqualTypeOf<StepwiseResult<Params>>();
  });

  it('options are typed by the model: warm starts must be that model’s parameters', () => {
    const data: Data = null as unknown as Data;
    // @ts-expect-error — parameters of another shape are rejected
    fitEm(model, data, { initialParameters: { rates: new Float64Array(2) } });
    // @ts-expect-error — data of another shape is rejected
    fitEm(model, { rows: 3 });
    expectTypeOf(fitEm(model, data, { initialParameters: { weights: new Float64Array(2), components: { means: new Float64Array(2) } } }).parameters).toEqualTypeOf<Params>();
  });
});

describe('acceleration and parameter maps', () => {
  it("a mixture's parameter map is typed by its parameters, and acceleration results flow through fitEm", () => {
    const model = gaussianMixture(2);
    expectTypeOf(model.parameterMap).toEqualTypeOf<ParameterMap<MixtureParameters<MeanComponents>> | undefined>();
    expectTypeOf<FitOptions<unknown>['acceleration']>().toEqualTypeOf<Acceleration | undefined>();
    expectTypeOf<Acceleration>().toEqualTypeOf<'none' | 'squarem'>();
    const result = fitEm(model, {} as MixtureData<DenseMatrix>, { acceleration: 'squarem' });
    expectTypeOf(result.eSteps).toEqualTypeOf<number>();
    expectTypeOf(result.historyESteps).toEqualTypeOf<readonly number[]>();
    expectTypeOf(result.accelerationNote).toEqualTypeOf<string | undefined>();
    // @ts-expect-error — only 'none' and 'squarem'
    fitEm(model, {} as MixtureData<DenseMatrix>, { acceleration: 'anderson' });
  });
});
