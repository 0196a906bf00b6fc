import { DenseMatrix, fitEm, Random, symmetricEigen, type MixtureParameters } from '@em/core';
import { describe, expect, it } from 'vitest';
import { cayley, constrainedParameterMap, ORIENTED_COVARIANCE_MODELS, type OrientedCovarianceModel } from '../src/constrained/constrained-parameter-map.js';
import { lettersOf } from '../src/constrained/covariance-models.js';
import type { GaussianComponents } from '../src/gaussian-components.js';
import { gaussianMixtureModel } from '../src/gaussian-mixture-model.js';

const SEED = Number(process.env['EM_TEST_SEED'] ?? 20261206);
console.log(`constrained-parameter-map.test.ts seed ${SEED} (EM_TEST_SEED replays it)`);

/** A random D×D orthogonal matrix (Gram–Schmidt of a normal matrix), row-major. */
function randomOrthogonal(d: number, random: Random): Float64Array {
  const q = Float64Array.from({ length: d * d }, () => random.normal());
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let a = 0; a < d; a++) dot += (q[a * d + i] as number) * (q[a * d + j] as number);
      for (let a = 0; a < d; a++) q[a * d + j] = (q[a * d + j] as number) - dot * (q[a * d + i] as number);
    }
    let norm = 0;
    for (let a = 0; a < d; a++) norm += (q[a * d + j] as number) ** 2;
    for (let a = 0; a < d; a++) q[a * d + j] = (q[a * d + j] as number) / Math.sqrt(norm);
  }
  return q;
}

/** Components of `model` built from random volumes, shapes (det 1) and orientations with the model's letters. */
function randomComponents(model: OrientedCovarianceModel, k: number, d: number, random: Random): GaussianComponents {
  const { volume, shape, orientation } = lettersOf(model);
  const volumes = Array.from({ length: k }, () => Math.exp(random.normal()));
  const shapes = Array.from({ length: k }, () => {
    const logs = Array.from({ length: d }, () => 1.2 * random.normal());
    const centre = logs.reduce((s, x) => s + x, 0) / d;
    return logs.map((x) => Math.exp(x - centre));
  });
  const orientations = Array.from({ length: k }, () => randomOrthogonal(d, random));
  const covariances = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const v = volumes[volume === 'E' ? 0 : c] as number;
    const a = shapes[shape === 'E' ? 0 : c] as number[];
    const r = orientations[orientation === 'E' ? 0 : c] as Float64Array;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let m = 0; m < d; m++) s += (r[i * d + m] as number) * v * (a[m] as number) * (r[j * d + m] as number);
        covariances[c * d * d + i * d + j] = s;
      }
    }
  }
  for (let c = 0; c < k; c++) for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) covariances[c * d * d + j * d + i] = covariances[c * d * d + i * d + j] as number;
  return { covarianceType: 'full', dimension: d, means: Float64Array.from({ length: k * d }, () => 3 * random.normal()), covariances };
}

function maxScaledError(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, scale));
  return worst;
}

/** Where the covariance coordinates start and how they are laid out (means first, then volumes, shapes, orientations). */
function layout(model: OrientedCovarianceModel, k: number, d: number): { volumes: number; shapes: number; shapeRows: number } {
  const { volume, shape } = lettersOf(model);
  const volumes = volume === 'E' ? 1 : k;
  const shapeRows = shape === 'E' ? 1 : k;
  return { volumes, shapes: shapeRows * (d - 1), shapeRows };
}

describe('constrainedParameterMap (VEE, EVE, VVE, EEV, VEV, EVV)', () => {
  it('serves every one of mclust’s fourteen models through the family (none runs plain EM for want of a map)', () => {
    for (const model of ['EII', 'VII', 'EEI', 'VEI', 'EVI', 'VVI', 'EEE', 'VEE', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV', 'VVV'] as const) {
      expect(gaussianMixtureModel({ components: 2, covariance: model }).parameterMap, model).toBeDefined();
    }
  });

  for (const model of ORIENTED_COVARIANCE_MODELS) {
    it(`${model}: a round trip to 1e-12, and every point of ℝ^p maps to covariances of the model (det A = 1, positive volumes)`, () => {
      const random = new Random(SEED);
      const mixture = gaussianMixtureModel({ components: 3, covariance: model });
      const map = mixture.parameterMap!;
      for (let trial = 0; trial < 24; trial++) {
        const d = 2 + (trial % 5);
        const k = 3;
        const components = randomComponents(model, k, d, random);
        const params: MixtureParameters<GaussianComponents> = { weights: Float64Array.of(0.2, 0.5, 0.3), components };
        mixture.validateParameters(params);
        const u = map.toUnconstrained(params, params);
        const { volumes, shapes } = layout(model, k, d);
        expect(u.length).toBe(k + k * d + volumes + shapes + (lettersOf(model).orientation === 'E' ? 1 : k) * ((d * (d - 1)) / 2));
        // The reference maps to the centre of its orientation chart.
        for (let i = k + k * d + volumes + shapes; i < u.length; i++) expect(Math.abs(u[i] as number)).toBeLessThan(1e-12);
        const back = map.fromUnconstrained(u, params);
        expect(maxScaledError(back.weights, params.weights)).toBeLessThan(1e-12);
        expect(maxScaledError(back.components.means, components.means)).toBeLessThan(1e-12);
        expect(maxScaledError(back.components.covariances, components.covariances), `${model} d=${d}`).toBeLessThan(1e-12);

        // Arbitrary points: small moves (well inside the chart: the coordinates read back), and large ones.
        for (const size of [0.05, 0.5, 5]) {
          const moved = u.map((v) => v + size * random.normal());
          const theta = map.fromUnconstrained(moved, params);
          mixture.validateParameters(theta);
          const covariances = theta.components.covariances;
          const volumeOffset = k + k * d;
          for (let c = 0; c < k; c++) {
            const values = symmetricEigen(covariances, d, c * d * d).values;
            let logDet = 0;
            for (const v of values) {
              expect(v).toBeGreaterThan(0);
              logDet += Math.log(v);
            }
            // det(Σ_k)^{1/D} is the volume its coordinate names: det A_k = 1.
            // (The eigenvalues measured here lose relative accuracy with Σ_k's condition number.)
            const logVolume = moved[volumeOffset + (volumes === 1 ? 0 : c)] as number;
            const condition = Math.max(...values) / Math.min(...values);
            expect(Math.abs(logDet / d - logVolume), `${model} d=${d} size ${size} component ${c}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(logVolume)) + 16 * Number.EPSILON * condition);
          }
          if (size === 0.05) {
            const again = map.toUnconstrained(theta, params);
            expect(maxScaledError(again.subarray(k), moved.subarray(k)), `${model} d=${d}: coordinates read back (the weights’ log-ratios are read back centred)`).toBeLessThan(1e-10);
          }
        }
      }
    });
  }

  it('the Cayley map gives an orthogonal matrix to 1e-12 at any skew-symmetric point, and the reference at 0', () => {
    const random = new Random(SEED + 7);
    for (let trial = 0; trial < 60; trial++) {
      const d = 2 + (trial % 6);
      const reference = randomOrthogonal(d, random);
      const scale = [0, 0.1, 1, 10, 1e3, 1e6][trial % 6] as number;
      const skew = Float64Array.from({ length: (d * (d - 1)) / 2 }, () => scale * random.normal());
      const out = new Float64Array(d * d);
      cayley(reference, 0, skew, d, out, 0);
      let worst = 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let a = 0; a < d; a++) s += (out[a * d + i] as number) * (out[a * d + j] as number);
          worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
        }
      }
      expect(worst, `d=${d} scale ${scale}`).toBeLessThan(1e-12);
      if (scale === 0) expect(maxScaledError(out, reference)).toBeLessThan(1e-13);
    }
  });

  it('matches a point’s columns to the reference’s: permuted and sign-flipped eigenvectors give the same coordinates', () => {
    const random = new Random(SEED + 3);
    for (const model of ORIENTED_COVARIANCE_MODELS) {
      const map = constrainedParameterMap(model, { means: true, covariances: true });
      const reference = randomComponents(model, 2, 4, random);
      // The same covariances: the decomposition differs only in column order/signs, so the coordinates
      // relative to the reference are those of the reference itself (orientation 0).
      const copy: GaussianComponents = { ...reference, covariances: reference.covariances.slice(), means: reference.means.slice() };
      const a = map.toUnconstrained(copy, reference);
      const b = map.toUnconstrained(reference, reference);
      expect(maxScaledError(a, b), model).toBeLessThan(1e-12);
    }
  });

  it('through the mixture: a point’s coordinates in the chart centred at another read back with that one as the template', () => {
    const random = new Random(SEED + 5);
    for (const model of ORIENTED_COVARIANCE_MODELS) {
      const mixture = gaussianMixtureModel({ components: 2, covariance: model });
      const map = mixture.parameterMap!;
      const first: MixtureParameters<GaussianComponents> = { weights: Float64Array.of(0.4, 0.6), components: randomComponents(model, 2, 3, random) };
      const u = map.toUnconstrained(first, first);
      // A nearby point (as SQUAREM's θ₀, θ₁ are near θ₂), then its coordinates centred at `first`.
      const second = map.fromUnconstrained(u.map((v) => v + 0.05 * random.normal()), first);
      const back = map.fromUnconstrained(map.toUnconstrained(second, first), first);
      expect(maxScaledError(back.components.covariances, second.components.covariances), model).toBeLessThan(1e-12);
      expect(maxScaledError(back.weights, second.weights), model).toBeLessThan(1e-12);
    }
  });

  it('keeps frozen means and covariances bit for bit (frozen covariances have no coordinates)', () => {
    const random = new Random(SEED);
    const components = randomComponents('VVE', 2, 3, random);
    const frozen = constrainedParameterMap('VVE', { means: false, covariances: false });
    const u = frozen.toUnconstrained(components, components);
    expect(u.length).toBe(components.means.length);
    const back = frozen.fromUnconstrained(u.map((v) => v + 1), components);
    expect(back.means).toBe(components.means);
    expect(back.covariances).toBe(components.covariances);
  });

  it('a point a half-turn from the reference has no coordinates in its chart (InvalidParametersError, so SQUAREM takes the plain step)', () => {
    const map = constrainedParameterMap('EEV', { means: true, covariances: true });
    // Component 0 with its two largest axes swapped relative to component 1 (EEV shares the shape, so
    // one column order serves both): against the reference, its orientation is a quarter-turn in that
    // plane composed with a reflection, which no Cayley coordinates reach.
    const d = 3;
    const diag = (a: number, b: number, c: number): Float64Array => Float64Array.of(a, 0, 0, 0, b, 0, 0, 0, c);
    const reference: GaussianComponents = { covarianceType: 'full', dimension: d, means: new Float64Array(6), covariances: Float64Array.of(...diag(4, 1, 0.25), ...diag(4, 1, 0.25)) };
    const turned: GaussianComponents = { ...reference, covariances: Float64Array.of(...diag(1, 4, 0.25), ...diag(4, 1, 0.25)) };
    expect(() => map.toUnconstrained(turned, reference)).toThrow(/half-turn/);
  });
});

describe('SQUAREM on the six oriented constrained models', () => {
  /** Three overlapping, elongated 3-D clusters sharing roughly one orientation. */
  function overlapping(n: number, random: Random): DenseMatrix {
    const centres = [
      [0, 0, 0],
      [1.5, 0.5, 0.2],
      [0.4, 1.6, -0.3],
    ];
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      const c = centres[i % 3] as number[];
      const z = [1.3 * random.normal(), 0.7 * random.normal(), 0.4 * random.normal()];
      rows.push([(c[0] as number) + 0.8 * (z[0] as number) + 0.6 * (z[1] as number), (c[1] as number) - 0.6 * (z[0] as number) + 0.8 * (z[1] as number) * (1 + 0.3 * (i % 3)), (c[2] as number) + (z[2] as number)]);
    }
    return DenseMatrix.from(rows);
  }

  for (const covariance of ORIENTED_COVARIANCE_MODELS) {
    it(`${covariance}: the same optimum as plain EM (1e-7 relative) in fewer passes over the data, objective never decreasing`, () => {
      const random = new Random(SEED);
      const data = { observations: overlapping(900, random) };
      const model = gaussianMixtureModel({ components: 3, covariance });
      const start = model.initialize(data, new Random(SEED + 1));
      const plain = fitEm(model, data, { initialParameters: start, tolerance: 1e-10, maxIterations: 20000 });
      const fast = fitEm(model, data, { initialParameters: start, tolerance: 1e-10, maxIterations: 20000, acceleration: 'squarem' });
      console.log(`${covariance}: plain ${plain.eSteps} E-steps (converged ${plain.converged}), SQUAREM ${fast.eSteps} (${fast.iterations} cycles, converged ${fast.converged}); objectives ${plain.objective} / ${fast.objective}`);
      expect(fast.acceleration).toBe('squarem');
      expect(plain.converged && fast.converged).toBe(true);
      expect(Math.abs(fast.objective - plain.objective) / Math.abs(plain.objective)).toBeLessThan(1e-7);
      expect(fast.eSteps).toBeLessThan(plain.eSteps);
      for (let t = 1; t < fast.history.length; t++) {
        expect(fast.history[t] as number).toBeGreaterThanOrEqual((fast.history[t - 1] as number) - 1e-12 * Math.abs(fast.history[t - 1] as number));
      }
    });
  }
});
