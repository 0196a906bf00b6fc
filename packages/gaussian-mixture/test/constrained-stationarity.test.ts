// The iterative constrained M-steps (VEI, VEE, VEV, EVE, VVE) stop their inner loops on the
// parameters, not on the objective. The objective is flat to first order at its maximum, so a loop
// stopped once it no longer changes — mclust's rule — leaves Σ_k up to ~1e-8 from the maximum
// (see test/mclust-agreement.test.ts); these outputs must satisfy the first-order conditions of
// the conditional maximisation to round-off, from random scatter matrices (seed printed).
import { Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { maximizeConstrainedCovariances } from '../src/constrained/constrained-maximization.js';
import { componentsFromFullCovariances } from '../src/constrained/full-matrix-start.js';
import { symmetricEigen } from '../src/constrained/small-eigen.js';
import type { CovarianceModel } from './helpers.js';

const SEED = Number(process.env['EM_STATIONARITY_SEED'] ?? 20261206);
console.log(`constrained-stationarity: seed ${SEED} (replay: EM_STATIONARITY_SEED=${SEED})`);

/** K scatter matrices Σ_i w_i x_i x_iᵀ of differing volume, shape and orientation, and their masses. */
function scatters(random: Random, k: number, d: number): { counts: Float64Array; scatter: Float64Array } {
  const counts = new Float64Array(k);
  const scatter = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const n = 3 * d + random.integer(40);
    const mix = Float64Array.from({ length: d * d }, () => random.normal() * (0.2 + 3 * random.next()));
    const x = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const z = Float64Array.from({ length: d }, () => random.normal());
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += (mix[a * d + b] as number) * (z[b] as number);
        x[a] = s;
      }
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) scatter[c * d * d + a * d + b] = (scatter[c * d * d + a * d + b] as number) + (x[a] as number) * (x[b] as number);
    }
    counts[c] = n;
  }
  return { counts, scatter };
}

function maximize(model: CovarianceModel, counts: Float64Array, scatter: Float64Array, k: number, d: number): Float64Array {
  const identity = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) for (let a = 0; a < d; a++) identity[c * d * d + a * d + a] = 1;
  const previous = componentsFromFullCovariances(model, d, new Float64Array(k * d), identity);
  const step = maximizeConstrainedCovariances(model, counts, scatter, new Uint8Array(k).fill(1), previous);
  expect(step.converged).toBe(true);
  // Dense K·D·D whatever the storage (VEI stores K·D variances).
  if (step.covariances.length === k * d * d) return step.covariances;
  const dense = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) for (let a = 0; a < d; a++) dense[c * d * d + a * d + a] = step.covariances[c * d + a] as number;
  return dense;
}

function quadratic(matrix: Float64Array, at: number, vectors: Float64Array, i: number, j: number, d: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += (vectors[a * d + i] as number) * (matrix[at + a * d + b] as number) * (vectors[b * d + j] as number);
  return s;
}

/**
 * EVE, VVE: Σ_k M_k B_k symmetric (M_k = DᵀW_kD, B_k = (DᵀΣ_kD)⁻¹ diagonal), relative to its largest
 * entry, and the largest condition number of a Σ_k (the round-off floor of that residual grows with it:
 * an entry of M_k B_k carries ε·‖M_k‖·max B_k).
 */
function orientationResidual(sigma: Float64Array, scatter: Float64Array, k: number, d: number): { residual: number; condition: number } {
  const dd = d * d;
  // The common orientation, from a weighted sum of the Σ_k (one Σ_k may have nearly tied eigenvalues).
  const blend = new Float64Array(dd);
  for (let c = 0; c < k; c++) for (let j = 0; j < dd; j++) blend[j] = (blend[j] as number) + (1 + 0.618 * c) * (sigma[c * dd + j] as number);
  const vectors = symmetricEigen(blend, d, 0).vectors;
  const product = new Float64Array(dd);
  let condition = 1;
  for (let c = 0; c < k; c++) {
    const variances = Array.from({ length: d }, (_, j) => quadratic(sigma, c * dd, vectors, j, j, d));
    condition = Math.max(condition, Math.max(...variances) / Math.min(...variances));
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) product[i * d + j] = (product[i * d + j] as number) + quadratic(scatter, c * dd, vectors, i, j, d) / quadratic(sigma, c * dd, vectors, j, j, d);
    }
  }
  let asymmetry = 0;
  let largest = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      asymmetry = Math.max(asymmetry, Math.abs((product[i * d + j] as number) - (product[j * d + i] as number)));
      largest = Math.max(largest, Math.abs(product[i * d + j] as number));
    }
  }
  return { residual: asymmetry / largest, condition };
}

/**
 * VEI, VEV, VEE: one more exact update of the common part from the output volumes λ_k = det(Σ_k)^{1/D}
 * and then of the volumes moves nothing. `parts(c)` gives component c's scatter in the frame where
 * the common part is diagonal (VEI: diag W_k; VEV: the eigenvalues of W_k, decreasing) — for VEE the
 * whole matrix.
 */
function volumeShapeResidual(model: 'VEI' | 'VEV' | 'VEE', sigma: Float64Array, scatter: Float64Array, k: number, d: number): number {
  const dd = d * d;
  const volumes = Array.from({ length: k }, (_, c) => Math.exp(symmetricEigen(sigma, d, c * dd).values.reduce((s, v) => s + Math.log(v), 0) / d));
  // The common matrix C (det 1) as the output has it, and as one more update makes it.
  const common = Float64Array.from({ length: dd }, (_, j) => (sigma[j] as number) / (volumes[0] as number));
  const next = new Float64Array(dd);
  for (let c = 0; c < k; c++) {
    if (model === 'VEE') {
      for (let j = 0; j < dd; j++) next[j] = (next[j] as number) + (scatter[c * dd + j] as number) / (volumes[c] as number);
    } else {
      const values = model === 'VEI' ? Float64Array.from({ length: d }, (_, a) => scatter[c * dd + a * d + a] as number) : symmetricEigen(scatter, d, c * dd).values;
      // In the frame of C's eigenvectors for VEV (the shape is sorted like the eigenvalues).
      const frame = model === 'VEV' ? symmetricEigen(sigma, d, c * dd).vectors : undefined;
      for (let a = 0; a < d; a++) {
        const value = (values[a] as number) / (volumes[c] as number);
        if (frame === undefined) next[a * d + a] = (next[a * d + a] as number) + value;
        else for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) next[i * d + j] = (next[i * d + j] as number) + value * (frame[i * d + a] as number) * (frame[j * d + a] as number);
      }
    }
  }
  if (model === 'VEV') {
    // VEV's Σ_k have their own orientations: compare the shapes (sorted eigenvalues) instead.
    const output = symmetricEigen(sigma, d, 0).values.map((v) => v / (volumes[0] as number));
    const shape = new Float64Array(d);
    for (let c = 0; c < k; c++) {
      const values = symmetricEigen(scatter, d, c * dd).values;
      for (let a = 0; a < d; a++) shape[a] = (shape[a] as number) + (values[a] as number) / (volumes[c] as number);
    }
    const g = Math.exp(shape.reduce((s, v) => s + Math.log(v), 0) / d);
    return Math.max(...Array.from(output, (v, a) => Math.abs(v - (shape[a] as number) / g) / v));
  }
  const g = Math.exp(symmetricEigen(next, d, 0).values.reduce((s, v) => s + Math.log(v), 0) / d);
  let gap = 0;
  let largest = 0;
  for (let j = 0; j < dd; j++) {
    gap = Math.max(gap, Math.abs((next[j] as number) / g - (common[j] as number)));
    largest = Math.max(largest, Math.abs(common[j] as number));
  }
  return gap / largest;
}

describe('iterative constrained M-steps end at a stationary point', () => {
  const random = new Random(SEED);
  const cases = Array.from({ length: 12 }, (_, i) => ({ d: 2 + (i % 5), k: 2 + (i % 4) }));

  it.each(['EVE', 'VVE'] as const)('%s: the common orientation satisfies Σ_k M_k B_k = (Σ_k M_k B_k)ᵀ to 1e-14 × condition number', (model) => {
    for (const { d, k } of cases) {
      const { counts, scatter } = scatters(random, k, d);
      const sigma = maximize(model, counts, scatter, k, d);
      const { residual, condition } = orientationResidual(sigma, scatter, k, d);
      expect(residual, `D = ${d}, K = ${k}, condition number ${condition.toExponential(2)}`).toBeLessThan(1e-14 * condition);
    }
  });

  it.each(['VEI', 'VEV', 'VEE'] as const)('%s: one more update of the common part moves it by less than 1e-11', (model) => {
    for (const { d, k } of cases) {
      const { counts, scatter } = scatters(random, k, d);
      const sigma = maximize(model, counts, scatter, k, d);
      const residual = volumeShapeResidual(model, sigma, scatter, k, d);
      expect(residual, `D = ${d}, K = ${k}`).toBeLessThan(1e-11);
    }
  });
});
