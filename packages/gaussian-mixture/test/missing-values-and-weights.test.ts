import { describe, expect, it } from 'vitest';
import { COVARIANCE_TYPES, faithful, firstDecrease, GaussianMixture, type CovarianceType } from './helpers.js';

const data = faithful();

function initFor(covariance: CovarianceType) {
  const covariances =
    covariance === 'full' ? [[[1, 0], [0, 30]], [[1, 2], [2, 30]]] : covariance === 'tied' ? [[1, 1], [1, 30]] : covariance === 'diagonal' ? [[1, 30], [0.5, 40]] : [10, 12];
  return { weights: [0.4, 0.6], means: [[2, 55], [4.5, 80]], covariances };
}

function relative(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)))));
  return worst;
}

describe.each(COVARIANCE_TYPES)('sample weights (%s)', (covariance) => {
  it('a weight of 2 equals a duplicated row, a weight of 0 equals a dropped row', () => {
    const options = { components: 2, covariance, tolerance: 0, maxIterations: 15, init: initFor(covariance) };
    const weights = data.map((_, i) => (i % 5 === 0 ? 2 : i % 7 === 0 ? 0 : 1));
    const expanded: number[][] = [];
    data.forEach((row, i) => {
      for (let r = 0; r < (weights[i] as number); r++) expanded.push(row);
    });
    const weighted = new GaussianMixture(options).fit(data, { sampleWeights: weights });
    const duplicated = new GaussianMixture(options).fit(expanded);
    expect(relative(weighted.history, duplicated.history)).toBeLessThan(1e-12);
    expect(relative(weighted.parameters.means.flat(), duplicated.parameters.means.flat())).toBeLessThan(1e-10);
    expect(weighted.observations).toBe(expanded.length);
    expect(weighted.bic).toBeCloseTo(duplicated.bic, 8);
  });
});

describe.each(COVARIANCE_TYPES)('missing values (%s)', (covariance) => {
  it('with no NaN present, missing-value support changes nothing', () => {
    const options = { components: 2, covariance, tolerance: 0, maxIterations: 10, init: initFor(covariance) };
    const plain = new GaussianMixture(options).fit(data);
    const marginalising = new GaussianMixture({ ...options, missingValues: true }).fit(data);
    expect(relative(marginalising.history, plain.history)).toBeLessThan(1e-12);
  });

  it('a row missing a coordinate scores its marginal density; EM stays monotone', () => {
    const rows = data.map((row, i) => (i % 4 === 0 ? [row[0] as number, Number.NaN] : i % 9 === 0 ? [Number.NaN, row[1] as number] : row));
    const model = new GaussianMixture({ components: 2, covariance, missingValues: true, tolerance: 0, maxIterations: 25, init: initFor(covariance) });
    const fit = model.fit(rows);
    expect(firstDecrease(fit.history)).toBe(-1);
    expect(fit.logLikelihood).toBeGreaterThan(fit.history[0] as number);
    // Marginal of coordinate 0: Σ_k π_k N(x_0 | μ_k0, Σ_k00).
    const p = model.parameters;
    const variance = (k: number, j: number): number => {
      if (p.covarianceType === 'full') return p.covariances[k]?.[j]?.[j] as number;
      if (p.covarianceType === 'tied') return p.covariances[j]?.[j] as number;
      if (p.covarianceType === 'diagonal') return p.covariances[k]?.[j] as number;
      return p.covariances[k] as number;
    };
    const x0 = 3.1;
    let density = 0;
    for (let k = 0; k < 2; k++) {
      const v = variance(k, 0);
      const m = p.means[k]?.[0] as number;
      density += ((p.weights[k] as number) * Math.exp((-0.5 * (x0 - m) ** 2) / v)) / Math.sqrt(2 * Math.PI * v);
    }
    const [score] = model.scoreSamples([[x0, Number.NaN]]);
    expect(Math.abs((score as number) - Math.log(density))).toBeLessThan(1e-12);
    // A row with nothing observed has density 1.
    expect(Math.abs(model.scoreSamples([[Number.NaN, Number.NaN]])[0] as number)).toBeLessThan(1e-15);
  });

  it('recovers the parameters of the complete data approximately when 20% of entries are missing', () => {
    const complete = new GaussianMixture({ components: 2, covariance, seed: 1 });
    complete.fit(data);
    const rows = data.map((row, i) => (i % 5 === 1 ? [row[0] as number, Number.NaN] : row));
    const incomplete = new GaussianMixture({ components: 2, covariance, seed: 1, missingValues: true });
    incomplete.fit(rows);
    const a = complete.parameters.means.map((m) => m[1] as number).sort((x, y) => x - y);
    const b = incomplete.parameters.means.map((m) => m[1] as number).sort((x, y) => x - y);
    a.forEach((v, i) => expect(Math.abs((b[i] as number) - v)).toBeLessThan(1.5));
  });
});
