import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';

/** Spherical covariances: log N = c_k − ½ ‖x − μ_k‖² / σ²_k. */
export function sphericalLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array): void {
  const { k, d, means, precisions, logNormalizers } = p;
  for (let i = start; i < end; i++) {
    const row = i * d;
    const outRow = (i - start) * k;
    for (let c = 0; c < k; c++) {
      const meanOffset = c * d;
      let squared = 0;
      for (let a = 0; a < d; a++) {
        const v = (x[row + a] as number) - (means[meanOffset + a] as number);
        squared += v * v;
      }
      out[outRow + c] = (logNormalizers[c] as number) - 0.5 * squared * (precisions[c] as number);
    }
  }
}

/** n_k, Σ w (x − μ_k) and Σ w ‖x − μ_k‖². */
export function sphericalAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array): void {
  const { k, d, means } = p;
  const { counts, references, sums, scatter } = stats;
  const blockSums = p.blockSums;
  for (let c = 0; c < k; c++) {
    const meanOffset = c * d;
    let blockCount = 0;
    let squaredSum = 0;
    blockSums.fill(0, meanOffset, meanOffset + d);
    for (let i = start; i < end; i++) {
      const w = weights[(i - start) * k + c] as number;
      if (w === 0) continue;
      blockCount += w;
      const row = i * d;
      let squared = 0;
      for (let a = 0; a < d; a++) {
        const v = (x[row + a] as number) - (means[meanOffset + a] as number);
        blockSums[meanOffset + a] = (blockSums[meanOffset + a] as number) + w * v;
        squared += v * v;
      }
      squaredSum += w * squared;
    }
    if (blockCount === 0) continue;
    scatter[c] = (scatter[c] as number) + squaredSum;
    counts[c] = (counts[c] as number) + blockCount;
    for (let a = 0; a < d; a++) {
      references[meanOffset + a] = (references[meanOffset + a] as number) + blockCount * (means[meanOffset + a] as number);
      sums[meanOffset + a] = (sums[meanOffset + a] as number) + (blockSums[meanOffset + a] as number);
    }
    addBlockTerms(stats, 'spherical', d, c, blockCount, blockSums, meanOffset, means, meanOffset);
  }
}
