import { readFileSync } from 'node:fs';
import { DenseMatrix, fitEm } from '@em/core';
import { describe, expect, it } from 'vitest';
import { gaussianMixtureModel } from '../src/gaussian-mixture-model.js';

// EEV and VEV take Σ_k's orientation from the eigenvectors of the scatter. With a prior the M-step
// receives W_k + λI; for a component of tiny mass W_k is far below λ's round-off, so the
// eigenvectors of the sum were noise that depended on how the statistics were summed, and the
// fit depended on the chunk count (see the fixture's description). W_k alone has the same
// eigenvectors and keeps them.

interface Case {
  readonly weights: number[];
  readonly means: number[];
  readonly covariances: number[];
  readonly rows: number;
  readonly columns: number;
  readonly data: number[];
  readonly sampleWeights: number[];
  readonly chunks: number;
  readonly iterations: number;
}
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/eev-prior-light-component-orientation.json', import.meta.url), 'utf8')) as Case;

describe('EEV with a prior: orientation of a component of tiny mass', () => {
  it('fitEm gives the same history on one chunk and on two', () => {
    const data = { observations: new DenseMatrix(Float64Array.from(fixture.data), fixture.rows, fixture.columns), sampleWeights: Float64Array.from(fixture.sampleWeights) };
    const start = {
      weights: Float64Array.from(fixture.weights),
      components: { covarianceType: 'full' as const, dimension: fixture.columns, means: Float64Array.from(fixture.means), covariances: Float64Array.from(fixture.covariances) },
    };
    const model = gaussianMixtureModel({ components: 2, covariance: 'EEV', regCovar: 0.05, weightConcentration: 2 });
    const fit = (chunks: number) => fitEm(model, data, { initialParameters: start, maxIterations: fixture.iterations, tolerance: 0, chunks }).history;
    const single = fit(1);
    const chunked = fit(fixture.chunks);
    expect(single.length).toBe(fixture.iterations + 1);
    expect(chunked.length).toBe(single.length);
    // The old M-step differed by 6e-5 in the second step (-89.871398 vs -89.871170).
    single.forEach((value, t) => expect(Math.abs((chunked[t] as number) - value), `step ${t}: ${single.join(', ')} vs ${chunked.join(', ')}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value))));
  });
});
