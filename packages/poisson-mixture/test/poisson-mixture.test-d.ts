import type { FitSummary, MixtureParameters } from '@em/core';
import { expectTypeOf, test } from 'vitest';
import { PoissonMixture, type PoissonComponents, type PoissonMixtureParameters } from '../src/index.js';

// The estimator's members keep their types (no any), the same shapes as every other estimator.
test('PoissonMixture members are typed', () => {
  const model = new PoissonMixture({ components: 2, ratePrior: { shape: 2, rate: 1 }, seed: 1, memoryBudget: '64MiB' });
  expectTypeOf(model.fit([[1, 2]])).toEqualTypeOf<FitSummary<PoissonMixtureParameters>>();
  expectTypeOf(model.fitAsync([[1, 2]])).toEqualTypeOf<Promise<FitSummary<PoissonMixtureParameters>>>();
  expectTypeOf(model.parameters.rates).toEqualTypeOf<readonly (readonly number[])[]>();
  expectTypeOf(model.parameters.weights).toEqualTypeOf<readonly number[]>();
  expectTypeOf(model.modelParameters).toEqualTypeOf<MixtureParameters<PoissonComponents>>();
  expectTypeOf(model.predict([[1, 2]])).toEqualTypeOf<Int32Array>();
  expectTypeOf(model.predictProba([[1, 2]])).toEqualTypeOf<number[][]>();
  expectTypeOf(model.scoreSamples([[1, 2]])).toEqualTypeOf<Float64Array>();
  expectTypeOf(model.score([[1, 2]], { sampleWeights: [1] })).toEqualTypeOf<number>();
  expectTypeOf(model.isFitted).toEqualTypeOf<boolean>();
  expectTypeOf(model.lastFit).toEqualTypeOf<FitSummary<PoissonMixtureParameters> | undefined>();
  expectTypeOf(PoissonMixture.fromJSON('{}')).toEqualTypeOf<PoissonMixture>();
  // @ts-expect-error — components is required
  new PoissonMixture({ seed: 1 });
  // @ts-expect-error — the prior is { shape, rate }
  new PoissonMixture({ components: 2, ratePrior: 2 });
});
