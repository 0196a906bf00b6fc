import { describe, expect, it } from 'vitest';
import golden from './__fixtures__/golden-gmm-1d.json' with { type: 'json' };
import { GaussianMixture } from '../src/index.js';

const fixture = golden.gmm_1d_em_steps;

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
}

describe('golden gmm_1d_em_steps', () => {
  it('matches the log-likelihood before each step and the parameters after each step', () => {
    const steps = fixture.after.length;
    for (let step = 1; step <= steps; step++) {
      const model = new GaussianMixture({
        components: 2,
        covariance: 'full',
        regCovar: 0,
        maxIterations: step,
        tolerance: 0,
        init: { weights: fixture.init.weights, means: fixture.init.means.map((m) => [m]), covariances: fixture.init.variances.map((v) => [[v]]) },
      });
      const fit = model.fit(fixture.x);
      expect(fit.iterations).toBe(step);
      expect(fit.logLikelihoodHistory).toHaveLength(step + 1);
      for (let t = 0; t <= Math.min(step, fixture.logLikelihoodBeforeStep.length - 1); t++) {
        expect(relativeError(fit.logLikelihoodHistory[t] as number, fixture.logLikelihoodBeforeStep[t] as number)).toBeLessThan(1e-9);
      }
      const expected = fixture.after[step - 1] as { weights: number[]; means: number[]; variances: number[] };
      const p = model.parameters;
      if (p.covarianceType !== 'full') throw new Error('expected full covariances');
      for (let k = 0; k < 2; k++) {
        expect(Math.abs((p.weights[k] as number) - (expected.weights[k] as number))).toBeLessThan(1e-9);
        expect(Math.abs((p.means[k]?.[0] as number) - (expected.means[k] as number))).toBeLessThan(1e-9);
        expect(Math.abs((p.covariances[k]?.[0]?.[0] as number) - (expected.variances[k] as number))).toBeLessThan(1e-9);
      }
    }
  });

  it.each(['tied', 'diagonal', 'spherical'] as const)('gives the same first step with %s covariances in one dimension (except tied, which pools)', (covariance) => {
    const covariances = covariance === 'tied' ? [[1]] : covariance === 'diagonal' ? [[1], [1]] : [1, 1];
    const model = new GaussianMixture({
      components: 2,
      covariance,
      regCovar: 0,
      maxIterations: 1,
      tolerance: 0,
      init: { weights: fixture.init.weights, means: fixture.init.means.map((m) => [m]), covariances },
    });
    const fit = model.fit(fixture.x);
    expect(relativeError(fit.logLikelihoodHistory[0] as number, fixture.logLikelihoodBeforeStep[0] as number)).toBeLessThan(1e-12);
    expect(Math.abs((model.parameters.means[0]?.[0] as number) - (fixture.after[0]?.means[0] as number))).toBeLessThan(1e-9);
    if (covariance !== 'tied') {
      expect(relativeError(fit.logLikelihoodHistory[1] as number, fixture.logLikelihoodBeforeStep[1] as number)).toBeLessThan(1e-9);
    }
  });
});
