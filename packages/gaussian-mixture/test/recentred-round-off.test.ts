import { readFileSync } from 'node:fs';
import { DenseMatrix, fitEmIncremental } from '@em/core';
import { describe, expect, it } from 'vitest';
import { gaussianMixtureModel } from '../src/gaussian-mixture-model.js';

// In incremental EM the chunks' statistics are gathered about different references (the means each
// chunk's E-step ran at) and the M-step re-centres the scatter from terms of size n·|r|². The
// collapse guard's round-off estimate counts that loss (CenteredStatistics.magnitude), so a
// conditional variance made of re-centring round-off is refused, as it is in batch EM (see the
// fixture's description).

interface Case {
  readonly weights: number[];
  readonly means: number[];
  readonly covariances: number[];
  readonly rows: number;
  readonly columns: number;
  readonly data: number[];
  readonly chunks: number;
  readonly passes: number;
}
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/full-incremental-recentred-round-off.json', import.meta.url), 'utf8')) as Case;

describe('collapse guard after re-centring chunk statistics (full, plain maximum likelihood, incremental EM)', () => {
  it('incremental EM on five chunks never lowers the objective', () => {
    const data = { observations: new DenseMatrix(Float64Array.from(fixture.data), fixture.rows, fixture.columns) };
    const start = {
      weights: Float64Array.from(fixture.weights),
      components: { covarianceType: 'full' as const, dimension: fixture.columns, means: Float64Array.from(fixture.means), covariances: Float64Array.from(fixture.covariances) },
    };
    const model = gaussianMixtureModel({ components: 2, covariance: 'full', regCovar: 0 });
    const fit = fitEmIncremental(model, data, { initialParameters: start, maxIterations: fixture.passes, tolerance: 0, chunks: fixture.chunks });
    expect(fit.history.length).toBe(fixture.passes + 1);
    for (let t = 1; t < fit.history.length; t++) {
      const previous = fit.history[t - 1] as number;
      // The old guard lowered it from -46.05 to -47.32 in pass 3.
      expect(fit.history[t] as number, `pass ${t}: ${fit.history.join(', ')}`).toBeGreaterThanOrEqual(previous - 1e-9 * Math.abs(previous));
    }
    // The near-singular update of component 1 is refused as round-off, and reported.
    expect(fit.events.some((e) => e.type === 'degenerate-component' && e.component === 1 && e.action === 'kept-previous')).toBe(true);
  });
});
