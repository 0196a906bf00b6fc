import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';

/**
 * Tied covariance: one factor L for every component. Per row, u = L⁻¹(x − c) once, then
 * ‖u − L⁻¹(μ_k − c)‖² per component: D²/2 + K·D work instead of K·D²/2.
 */
export function tiedLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array): void {
  const { k, d, center, factors, inverseDiagonals, whitenedMeans, logNormalizers } = p;
  const u = p.scratch;
  const constant = logNormalizers[0] as number;
  for (let i = start; i < end; i++) {
    const row = i * d;
    for (let a = 0; a < d; a++) {
      let s = (x[row + a] as number) - (center[a] as number);
      const factorRow = a * d;
      for (let b = 0; b < a; b++) s -= (factors[factorRow + b] as number) * (u[b] as number);
      u[a] = s * (inverseDiagonals[a] as number);
    }
    const outRow = (i - start) * k;
    for (let c = 0; c < k; c++) {
      const meanOffset = c * d;
      let squared = 0;
      for (let a = 0; a < d; a++) {
        const v = (u[a] as number) - (whitenedMeans[meanOffset + a] as number);
        squared += v * v;
      }
      out[outRow + c] = constant - 0.5 * squared;
    }
  }
}

/**
 * Complete-data tied statistics about the common reference c: n_k, Σ w_ik (x − c) per component,
 * and one total scatter Σ_i (Σ_k w_ik)(x − c)(x − c)ᵀ (lower triangle).
 */
export function tiedAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array): void {
  const { k, d, center } = p;
  const { counts, references, sums, scatter } = stats;
  const diff = p.scratch;
  const { blockCounts, blockSums } = p;
  blockCounts.fill(0);
  blockSums.fill(0);
  for (let i = start; i < end; i++) {
    const row = i * d;
    const weightRow = (i - start) * k;
    let total = 0;
    for (let a = 0; a < d; a++) diff[a] = (x[row + a] as number) - (center[a] as number);
    for (let c = 0; c < k; c++) {
      const w = weights[weightRow + c] as number;
      if (w === 0) continue;
      total += w;
      blockCounts[c] = (blockCounts[c] as number) + w;
      const meanOffset = c * d;
      for (let a = 0; a < d; a++) blockSums[meanOffset + a] = (blockSums[meanOffset + a] as number) + w * (diff[a] as number);
    }
    if (total === 0) continue;
    for (let a = 0; a < d; a++) {
      const wa = total * (diff[a] as number);
      const scatterRow = a * d;
      for (let b = 0; b <= a; b++) scatter[scatterRow + b] = (scatter[scatterRow + b] as number) + wa * (diff[b] as number);
    }
  }
  let blockTotal = 0;
  diff.fill(0);
  for (let c = 0; c < k; c++) {
    const n = blockCounts[c] as number;
    if (n === 0) continue;
    blockTotal += n;
    counts[c] = (counts[c] as number) + n;
    for (let a = 0; a < d; a++) {
      references[c * d + a] = (references[c * d + a] as number) + n * (center[a] as number);
      sums[c * d + a] = (sums[c * d + a] as number) + (blockSums[c * d + a] as number);
      diff[a] = (diff[a] as number) + (blockSums[c * d + a] as number);
    }
  }
  addBlockTerms(stats, 'total', d, 0, blockTotal, diff, 0, center, 0);
}
