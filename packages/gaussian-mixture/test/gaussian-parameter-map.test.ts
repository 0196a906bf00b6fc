import { DenseMatrix, fitEm, Random, type MixtureParameters } from '@em/core';
import { describe, expect, it } from 'vitest';
import type { CovarianceType, GaussianComponents } from '../src/gaussian-components.js';
import { gaussianMixtureModel } from '../src/gaussian-mixture-model.js';
import { gaussianParameterMap, gaussianParameterMapFor } from '../src/gaussian-parameter-map.js';
import { covarianceModelParameterCount } from '../src/constrained/covariance-models.js';

const SEED = Number(process.env['EM_TEST_SEED'] ?? 20261206);
console.log(`gaussian-parameter-map.test.ts seed ${SEED} (EM_TEST_SEED replays it)`);

/** Random components of the given type: SPD covariances A·Aᵀ + 0.1·I, positive variances. */
function randomComponents(type: CovarianceType, k: number, d: number, random: Random): GaussianComponents {
  const means = Float64Array.from({ length: k * d }, () => random.normal() * 3);
  const spd = (out: Float64Array, offset: number): void => {
    const a = Float64Array.from({ length: d * d }, () => random.normal());
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let sum = i === j ? 0.1 : 0;
        for (let m = 0; m < d; m++) sum += (a[i * d + m] as number) * (a[j * d + m] as number);
        out[offset + i * d + j] = sum;
      }
    }
  };
  let covariances: Float64Array;
  switch (type) {
    case 'full':
      covariances = new Float64Array(k * d * d);
      for (let m = 0; m < k; m++) spd(covariances, m * d * d);
      break;
    case 'tied':
      covariances = new Float64Array(d * d);
      spd(covariances, 0);
      break;
    case 'diagonal':
      covariances = Float64Array.from({ length: k * d }, () => Math.exp(random.normal()));
      break;
    case 'spherical':
      covariances = Float64Array.from({ length: k }, () => Math.exp(random.normal()));
      break;
  }
  return { covarianceType: type, dimension: d, means, covariances };
}

function maxScaledError(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, scale));
  return worst;
}

describe('gaussianParameterMap', () => {
  it('serves the mclust models that are linear in its coordinates (the other six have constrainedParameterMap)', () => {
    for (const model of ['EII', 'VII', 'EEI', 'VEI', 'EVI', 'VVI', 'EEE', 'VVV'] as const) {
      const params = gaussianMixtureModel({ components: 2, covariance: model }).parameterMap;
      expect(params, model).toBeDefined();
    }
    for (const model of ['VEE', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV'] as const) {
      // Log-Cholesky coordinates would not keep these models' constraint: theirs hold exactly mclust's
      // free covariance parameters (K·D(D + 1)/2 would be the log-Cholesky count).
      const map = gaussianParameterMapFor({ covariance: 'full', model, update: { means: true, covariances: true } });
      const components = randomComponents('spherical', 2, 3, new Random(SEED));
      const full: GaussianComponents = { covarianceType: 'full', dimension: 3, means: components.means, covariances: Float64Array.of(2, 0, 0, 0, 2, 0, 0, 0, 2, 2, 0, 0, 0, 2, 0, 0, 0, 2) };
      expect(map?.toUnconstrained(full).length, model).toBe(2 * 3 + covarianceModelParameterCount(model, 2, 3));
    }
  });

  for (const type of ['full', 'tied', 'diagonal', 'spherical'] as const) {
    it(`${type}: round trip to 1e-12 and every point maps to valid components`, () => {
      const random = new Random(SEED);
      const model = gaussianMixtureModel({ components: 3, covariance: type });
      const map = model.parameterMap;
      expect(map).toBeDefined();
      for (let trial = 0; trial < 20; trial++) {
        const d = 1 + (trial % 5);
        const components = randomComponents(type, 3, d, random);
        const params: MixtureParameters<GaussianComponents> = { weights: Float64Array.of(0.2, 0.5, 0.3), components };
        const u = map!.toUnconstrained(params);
        const back = map!.fromUnconstrained(u, params);
        expect(maxScaledError(back.weights, params.weights)).toBeLessThan(1e-12);
        expect(maxScaledError(back.components.means, components.means)).toBeLessThan(1e-12);
        expect(maxScaledError(back.components.covariances, components.covariances)).toBeLessThan(1e-12);
        const moved = map!.fromUnconstrained(u.map((v) => v + 0.3 * random.normal()), params);
        model.validateParameters(moved);
      }
    });
  }

  it('keeps frozen means and covariances bit for bit', () => {
    const random = new Random(SEED);
    const map = gaussianParameterMap('full', { means: false, covariances: false });
    const components = randomComponents('full', 2, 3, random);
    const back = map.fromUnconstrained(map.toUnconstrained(components).map((v) => v + 1), components);
    expect(back.means).toBe(components.means);
    expect(back.covariances).toBe(components.covariances);
  });
});

describe('SQUAREM on Gaussian mixtures', () => {
  /** Three overlapping 2-D clusters (centres 1.2 σ apart). */
  function overlapping(n: number, random: Random): DenseMatrix {
    const centres = [
      [0, 0],
      [1.2, 0.3],
      [0.4, 1.2],
    ];
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      const c = centres[i % 3] as number[];
      rows.push([(c[0] as number) + random.normal(), (c[1] as number) + 0.8 * random.normal()]);
    }
    return DenseMatrix.from(rows);
  }

  for (const covariance of ['full', 'tied', 'diagonal', 'spherical', 'EII', 'EEI', 'VEI', 'EVI'] as const) {
    it(`${covariance}: the same optimum as plain EM (1e-7 relative) in fewer passes over the data, objective never decreasing`, () => {
      const random = new Random(SEED);
      const data = { observations: overlapping(1500, random) };
      const model = gaussianMixtureModel({ components: 3, covariance });
      const start = model.initialize(data, new Random(SEED + 1));
      const plain = fitEm(model, data, { initialParameters: start, tolerance: 1e-11 });
      const fast = fitEm(model, data, { initialParameters: start, tolerance: 1e-11, acceleration: 'squarem' });
      expect(fast.acceleration).toBe('squarem');
      expect(Math.abs(fast.objective - plain.objective) / Math.abs(plain.objective)).toBeLessThan(1e-7);
      expect(fast.eSteps).toBeLessThan(plain.eSteps);
      for (let t = 1; t < fast.history.length; t++) {
        expect(fast.history[t] as number).toBeGreaterThanOrEqual((fast.history[t - 1] as number) - 1e-12 * Math.abs(fast.history[t - 1] as number));
      }
      console.log(`${covariance}: plain ${plain.eSteps} E-steps, SQUAREM ${fast.eSteps} (${fast.iterations} cycles)`);
    });
  }
});
