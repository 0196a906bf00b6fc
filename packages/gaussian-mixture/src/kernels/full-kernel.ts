import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';

/**
 * Full covariances. log N(x | μ_k, L_k·L_kᵀ) = c_k − ½‖y‖² with L_k·y = x − μ_k, solved by
 * forward substitution on the Cholesky factor (no inverse is formed).
 */
export function fullLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array): void {
  const { k, d, means, factors, inverseDiagonals, logNormalizers } = p;
  const y = p.scratch;
  const dd = d * d;
  for (let i = start; i < end; i++) {
    const row = i * d;
    const outRow = (i - start) * k;
    for (let c = 0; c < k; c++) {
      const meanOffset = c * d;
      const factorOffset = c * dd;
      let squared = 0;
      for (let a = 0; a < d; a++) {
        let s = (x[row + a] as number) - (means[meanOffset + a] as number);
        const factorRow = factorOffset + a * d;
        for (let b = 0; b < a; b++) s -= (factors[factorRow + b] as number) * (y[b] as number);
        s *= inverseDiagonals[meanOffset + a] as number;
        y[a] = s;
        squared += s * s;
      }
      out[outRow + c] = (logNormalizers[c] as number) - 0.5 * squared;
    }
  }
}

/**
 * n_k += Σ w, sums_k += Σ w (x − μ_k), scatter_k += Σ w (x − μ_k)(x − μ_k)ᵀ (lower triangle),
 * component by component so each D×D accumulator stays in cache; block sums are kept apart
 * first (shorter summation chains, and the reference terms need them).
 */
export function fullAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array): void {
  const { k, d, means } = p;
  const { counts, references, sums, scatter } = stats;
  const diff = p.scratch;
  const blockSums = p.blockSums;
  const dd = d * d;
  for (let c = 0; c < k; c++) {
    const meanOffset = c * d;
    const scatterOffset = c * dd;
    let blockCount = 0;
    blockSums.fill(0, meanOffset, meanOffset + d);
    for (let i = start; i < end; i++) {
      const w = weights[(i - start) * k + c] as number;
      if (w === 0) continue;
      blockCount += w;
      const row = i * d;
      for (let a = 0; a < d; a++) {
        const v = (x[row + a] as number) - (means[meanOffset + a] as number);
        diff[a] = v;
        blockSums[meanOffset + a] = (blockSums[meanOffset + a] as number) + w * v;
      }
      for (let a = 0; a < d; a++) {
        const wa = w * (diff[a] as number);
        const scatterRow = scatterOffset + a * d;
        for (let b = 0; b <= a; b++) scatter[scatterRow + b] = (scatter[scatterRow + b] as number) + wa * (diff[b] as number);
      }
    }
    if (blockCount === 0) continue;
    counts[c] = (counts[c] as number) + blockCount;
    for (let a = 0; a < d; a++) {
      references[meanOffset + a] = (references[meanOffset + a] as number) + blockCount * (means[meanOffset + a] as number);
      sums[meanOffset + a] = (sums[meanOffset + a] as number) + (blockSums[meanOffset + a] as number);
    }
    addBlockTerms(stats, 'full', d, c, blockCount, blockSums, meanOffset, means, meanOffset);
  }
}
