import type { FitSummary, IterationInfo, MixtureParameters } from '@em/core';
import { describe, expectTypeOf, it } from 'vitest';
import { GaussianMixture, type GaussianComponents, type GaussianMixtureFitSummary, type GaussianMixtureParameters, type GaussianMixtureState } from '../src/index.js';

describe('types flow through the Gaussian mixture estimator without any', () => {
  const gmm = new GaussianMixture({ components: 2, covariance: 'diagonal' });

  it('fit returns the summary with nested parameters; the engine form is typed', () => {
    expectTypeOf(gmm.fit([[0, 1]])).toEqualTypeOf<GaussianMixtureFitSummary>();
    expectTypeOf(gmm.fit([[0, 1]]).parameters).toEqualTypeOf<GaussianMixtureParameters>();
    expectTypeOf<GaussianMixtureFitSummary>().toEqualTypeOf<FitSummary<GaussianMixtureParameters>>();
    expectTypeOf(gmm.fitAsync([[0, 1]])).resolves.toEqualTypeOf<GaussianMixtureFitSummary>();
    expectTypeOf(gmm.modelParameters).toEqualTypeOf<GaussianMixtureState>();
    expectTypeOf(gmm.modelParameters).toEqualTypeOf<MixtureParameters<GaussianComponents>>();
    expectTypeOf(gmm.lastFit).toEqualTypeOf<GaussianMixtureFitSummary | undefined>();
    expectTypeOf(gmm.isFitted).toEqualTypeOf<boolean>();
  });

  it('the shared members have one shape', () => {
    expectTypeOf(gmm.predict([[0, 1]])).toEqualTypeOf<Int32Array>();
    expectTypeOf(gmm.fitPredict({ data: new Float64Array(4), columns: 2 })).toEqualTypeOf<Int32Array>();
    expectTypeOf(gmm.predictProba([[0, 1]])).toEqualTypeOf<number[][]>();
    expectTypeOf(gmm.scoreSamples([[0, 1]])).toEqualTypeOf<Float64Array>();
    expectTypeOf(gmm.score([[0, 1]], { sampleWeights: [1] })).toEqualTypeOf<number>();
    expectTypeOf(gmm.sample(3).labels).toEqualTypeOf<Int32Array>();
    expectTypeOf(gmm.sample(3).observations).toEqualTypeOf<number[][]>();
    expectTypeOf(GaussianMixture.fromJSON('{}')).toEqualTypeOf<GaussianMixture>();
  });

  it('callbacks see the engine parameters', () => {
    new GaussianMixture({
      components: 2,
      onIteration: (info) => expectTypeOf(info).toEqualTypeOf<IterationInfo<GaussianMixtureState>>(),
    });
    // @ts-expect-error — the data must be rows, not a string
    gmm.fit('rows');
  });
});
