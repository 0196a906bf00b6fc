import { simplexArbitrary, type EmConformanceOptions } from '@em/conformance';
import type { DenseMatrix, MixtureData, Random } from '@em/core';
import fc from 'fast-check';
import { toStorage } from '../src/constrained/constrained-maximization.js';
import { lettersOf } from '../src/constrained/covariance-models.js';
import { decomposeCovariances, storageOf, type CovarianceModel, type GaussianMixtureState, type GaussianStatistics, type MixtureStatisticsOf } from './helpers.js';
import { variantCases, type Variant } from './conformance-cases.js';

// Conformance cases for mclust's models in D = 3: parameters built from volume, shape and
// orientation with the model's constraint, perturbed in those terms so they stay in the model.
const K = 2;
const D = 3;

/** An orthogonal matrix from three angles (rotations about the three axes). */
function rotation(angles: readonly number[]): Float64Array {
  let r: Float64Array = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const axes: [number, number][] = [
    [0, 1],
    [0, 2],
    [1, 2],
  ];
  axes.forEach(([i, j], m) => {
    const t = angles[m] as number;
    const g = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    g[i * D + i] = Math.cos(t);
    g[j * D + j] = Math.cos(t);
    g[i * D + j] = -Math.sin(t);
    g[j * D + i] = Math.sin(t);
    r = multiply(g, r);
  });
  return r;
}

function multiply(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let m = 0; m < D; m++) out[i * D + j] = (out[i * D + j] as number) + (a[i * D + m] as number) * (b[m * D + j] as number);
  return out;
}

interface Parts {
  volumes: number[];
  shapes: number[][];
  orientations: Float64Array[];
}

/** Σ_k = λ_k·R_k·diag(A_k)·R_kᵀ with the model's letters enforced, in the model's storage. */
function build(model: CovarianceModel, parts: Parts): Float64Array {
  const { volume, shape, orientation } = lettersOf(model);
  const dense = new Float64Array(K * D * D);
  for (let c = 0; c < K; c++) {
    const v = parts.volumes[volume === 'E' ? 0 : c] as number;
    const rawShape = shape === 'I' ? [1, 1, 1] : (parts.shapes[shape === 'E' ? 0 : c] as number[]);
    const g = Math.exp(rawShape.reduce((s, x) => s + Math.log(x), 0) / D);
    const r = orientation === 'I' || shape === 'I' ? rotation([0, 0, 0]) : (parts.orientations[orientation === 'E' ? 0 : c] as Float64Array);
    for (let a = 0; a < D; a++) {
      for (let b = 0; b < D; b++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += (r[a * D + j] as number) * ((rawShape[j] as number) / g) * (r[b * D + j] as number);
        dense[c * D * D + a * D + b] = v * s;
      }
    }
  }
  return toStorage(model, dense, K, D);
}

function partsArbitrary(): fc.Arbitrary<Parts> {
  const positive = fc.double({ min: 0.3, max: 3, noNaN: true });
  const angle = fc.double({ min: -Math.PI, max: Math.PI, noNaN: true });
  return fc.record({
    volumes: fc.array(positive, { minLength: K, maxLength: K }),
    shapes: fc.array(fc.array(positive, { minLength: D, maxLength: D }), { minLength: K, maxLength: K }),
    orientations: fc.array(fc.array(angle, { minLength: 3, maxLength: 3 }).map(rotation), { minLength: K, maxLength: K }),
  });
}

function parametersArbitrary(model: CovarianceModel): fc.Arbitrary<GaussianMixtureState> {
  return fc
    .record({
      weights: simplexArbitrary(K, { minimum: 0.15 }),
      means: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: K * D, maxLength: K * D }),
      parts: partsArbitrary(),
    })
    .map(({ weights, means, parts }) => ({
      weights,
      components: { covarianceType: storageOf(model), dimension: D, means: Float64Array.from(means), covariances: build(model, parts) },
    }));
}

/** A nearby θ in the same model: volumes and shapes moved multiplicatively, orientations by a small rotation. */
function perturbation(model: CovarianceModel): (parameters: GaussianMixtureState, random: Random) => GaussianMixtureState {
  return (parameters, random) => {
    const weights = new Float64Array(K);
    let total = 0;
    for (let k = 0; k < K; k++) {
      weights[k] = (parameters.weights[k] as number) * Math.exp(0.05 * random.normal());
      total += weights[k] as number;
    }
    for (let k = 0; k < K; k++) weights[k] = (weights[k] as number) / total;
    const c = parameters.components;
    const means = c.means.map((m) => m + 0.05 * random.normal());
    const decomposition = decomposeCovariances(c, model);
    const volumeStep = Array.from({ length: K }, () => Math.exp(0.05 * random.normal()));
    const shapeStep = Array.from({ length: K }, () => Array.from({ length: D }, () => Math.exp(0.05 * random.normal())));
    const turns = Array.from({ length: K }, () => rotation([0.03 * random.normal(), 0.03 * random.normal(), 0.03 * random.normal()]));
    const { volume, shape, orientation } = lettersOf(model);
    const parts: Parts = { volumes: [], shapes: [], orientations: [] };
    decomposition.forEach((part, k) => {
      parts.volumes.push(part.volume * (volumeStep[volume === 'E' ? 0 : k] as number));
      parts.shapes.push(part.shape.map((s, j) => s * ((shapeStep[shape === 'E' ? 0 : k] as number[])[j] as number)));
      parts.orientations.push(multiply(turns[orientation === 'E' ? 0 : k] as Float64Array, Float64Array.from(part.orientation.flat())));
    });
    return { weights, components: { ...c, means, covariances: build(model, parts) } };
  };
}

/**
 * Without a prior, a component left with fewer than D + 1 effective points has no maximum under
 * the pooled-shape models (the inner loop then reports and keeps whichever of its last iterate and
 * the previous covariances is better), so maximum-likelihood cases get more rows.
 */
export function constrainedConformanceOptions(
  model: CovarianceModel,
  variant: Variant,
  runs: number,
): EmConformanceOptions<GaussianMixtureState, MixtureData<DenseMatrix>, MixtureStatisticsOf<GaussianStatistics>> {
  const cases = variantCases(model, variant, runs, { components: K, dimension: D, parameters: parametersArbitrary(model), priorRows: [20, 50], maximumLikelihoodRows: [120, 200], missingRate: 0.2 });
  return { ...cases, perturb: perturbation(model) };
}
