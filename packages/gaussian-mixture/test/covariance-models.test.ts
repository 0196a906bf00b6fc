// mclust's fourteen models through the public API: names and aliases, mclust's parameter counts,
// starts given as K full matrices (checked against the constraint, naming the violated part),
// readable volume/shape/orientation, and JSON round trips.
import { InvalidOptionsError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { COVARIANCE_MODELS, GaussianMixture, faithful, mclustParameterCount, type CovarianceModel } from './helpers.js';

const data = faithful();

// nMclustParams(model, d, G) printed by R mclust 6.0.0 for d = 2, 4 and G = 1, 3 (models in mclust's order).
const MCLUST_COUNTS: Record<string, readonly number[]> = {
  '2 1': [3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5],
  '2 3': [9, 11, 10, 12, 12, 14, 11, 13, 13, 15, 13, 15, 15, 17],
  '4 1': [5, 5, 8, 8, 8, 8, 14, 14, 14, 14, 14, 14, 14, 14],
  '4 3': [15, 17, 18, 20, 24, 26, 24, 26, 30, 32, 36, 38, 42, 44],
};

describe('covariance models', () => {
  it("parameter counts are mclust's nMclustParams", () => {
    for (const [key, counts] of Object.entries(MCLUST_COUNTS)) {
      const [d, g] = key.split(' ').map(Number) as [number, number];
      expect(COVARIANCE_MODELS.map((m) => mclustParameterCount(m, g, d))).toEqual(counts);
    }
  });

  it('BIC of a fit counts the parameters as mclust does', () => {
    for (const model of ['EVE', 'VEV', 'EII'] as const) {
      const gm = new GaussianMixture({ components: 3, covariance: model, regCovar: 0, seed: 1 });
      const summary = gm.fit(data);
      const p = mclustParameterCount(model, 3, 2);
      expect(gm.bic(data)).toBeCloseTo(-2 * summary.logLikelihood + p * Math.log(data.length), 6);
    }
  });

  it('aliases name the classic models; unknown names are typed errors naming the choices', () => {
    expect(new GaussianMixture({ components: 2, covariance: 'diag' }).model.family.options.model).toBe('VVI');
    expect(new GaussianMixture({ components: 2, covariance: 'full' }).model.family.options.model).toBe('VVV');
    expect(new GaussianMixture({ components: 2, covariance: 'tied' }).model.family.options.model).toBe('EEE');
    expect(() => new GaussianMixture({ components: 2, covariance: 'XYZ' as CovarianceModel })).toThrow(InvalidOptionsError);
    expect(() => new GaussianMixture({ components: 2, covariance: 'XYZ' as CovarianceModel })).toThrow(/EII, VII.*VVV/);
  });

  it.each(COVARIANCE_MODELS)('%s: a fit, its readable decomposition, a JSON round trip and its Σ_k back as a start', (model) => {
    const gm = new GaussianMixture({ components: 2, covariance: model, seed: 3 });
    const summary = gm.fit(data);
    expect(Number.isFinite(summary.logLikelihood)).toBe(true);
    const parameters = gm.parameters;
    expect(parameters.model).toBe(model);
    const decomposition = parameters.decomposition ?? [];
    expect(decomposition).toHaveLength(2);
    for (const part of decomposition) {
      // Σ_k = λ·D·diag(A)·Dᵀ, det A = 1.
      const product = part.shape.reduce((s, x) => s * x, 1);
      expect(product).toBeCloseTo(1, 10);
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) {
          let s = 0;
          for (let j = 0; j < 2; j++) s += (part.orientation[a]?.[j] as number) * (part.shape[j] as number) * (part.orientation[b]?.[j] as number);
          expect(part.volume * s).toBeCloseTo(part.covariance[a]?.[b] as number, 8);
        }
      }
    }
    const restored = GaussianMixture.fromJSON(JSON.stringify(gm.toJSON()));
    expect(restored.model.family.options.model).toBe(model);
    expect(restored.score(data)).toBe(gm.score(data));
    // The fitted Σ_k as K full matrices start a new fit of the same model at the same point.
    const again = new GaussianMixture({ components: 2, covariance: model, maxIterations: 1, init: { weights: parameters.weights, means: parameters.means, covariances: decomposition.map((p) => p.covariance) } });
    again.fit(data);
    expect(again.score(data)).toBeGreaterThanOrEqual(gm.score(data) - 1e-9 * Math.abs(gm.score(data)));
  });

  it('a start that breaks the constraint is a typed error naming the part', () => {
    const means = [
      [2, 55],
      [4.5, 80],
    ];
    const start = (covariances: number[][][]) => ({ weights: [0.5, 0.5], means, covariances });
    const fit = (model: CovarianceModel, covariances: number[][][]) => () => new GaussianMixture({ components: 2, covariance: model, init: start(covariances) }).fit(data);
    const rotated = [
      [2, 1],
      [1, 2],
    ];
    const axis = [
      [3, 0],
      [0, 1],
    ];
    expect(fit('EEE', [axis, rotated])).toThrow(/covariances\[1\] does not satisfy model EEE: its shape/);
    expect(fit('VVI', [axis, rotated])).toThrow(/covariances\[1\] does not satisfy model VVI: its orientation/);
    expect(fit('EVV', [axis, rotated.map((r) => r.map((v) => 2 * v))])).toThrow(/covariances\[1\] does not satisfy model EVV: its volume/);
    expect(fit('VEV', [axis, [[2, 1], [1, 3]]])).toThrow(/covariances\[1\] does not satisfy model VEV: its shape/);
    expect(fit('VVE', [axis, rotated])).toThrow(/covariances\[1\] does not satisfy model VVE: its orientation/);
    expect(fit('EII', [axis, axis])).toThrow(/covariances\[0\] does not satisfy model EII: its shape/);
    // Round-off is tolerated (mclust's own starts satisfy their constraint to ~1e-15).
    expect(() => fit('EEV', [axis, [[3 * (1 + 1e-13), 0], [0, 1]]])()).not.toThrow();
  });
});
