import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { blockWork, type PreparedGaussian } from '../prepared-gaussian.js';
import { NEGLIGIBLE_WEIGHT, transposeBlock } from './blocked.js';
import { copyIntoArena, distancesInArena, simdArena } from './simd-arena.js';

/** Diagonal covariances: log N = c_k − ½ Σ_j (x_j − μ_kj)² / σ²_kj, coordinate by coordinate over the block. */
export function diagonalLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array): void {
  const { k, d, means, precisions, logNormalizers } = p;
  const rows = end - start;
  const arena = simdArena(d, rows);
  if (arena !== undefined) {
    copyIntoArena(arena, x, start, rows, d);
    for (let c = 0; c < k; c++) {
      distancesInArena(arena, d, means, c * d, precisions, c * d);
      const constant = logNormalizers[c] as number;
      for (let i = 0; i < rows; i++) out[i * k + c] = constant - 0.5 * (arena.view[arena.squares + i] as number);
    }
    return;
  }
  const { perRow: squares, centered: transposed } = blockWork(p, rows);
  transposeBlock(x, start, rows, d, transposed);
  for (let c = 0; c < k; c++) {
    squares.fill(0, 0, rows);
    for (let a = 0; a < d; a++) {
      const m = means[c * d + a] as number;
      const precision = precisions[c * d + a] as number;
      const source = a * rows;
      for (let i = 0; i < rows; i++) {
        const v = (transposed[source + i] as number) - m;
        squares[i] = (squares[i] as number) + v * v * precision;
      }
    }
    const constant = logNormalizers[c] as number;
    for (let i = 0; i < rows; i++) out[i * k + c] = constant - 0.5 * (squares[i] as number);
  }
}

/**
 * n_k, Σ w (x − μ_k) and Σ w (x − μ_k)² per coordinate, in one row-major pass over the block
 * (each row read once, only for the components it carries weight for); rows whose weight for a
 * component is below 2⁻⁵³ of their total are skipped (see full-kernel.ts). Per (component,
 * coordinate) the block sums run over the rows in order, as before.
 */
export function diagonalAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array): void {
  accumulateRowMajor(p, x, start, end, weights);
  const { k, d, means, blockSums, blockCounts, blockScatter } = p;
  const { counts, references, sums, scatter } = stats;
  for (let c = 0; c < k; c++) {
    const blockCount = blockCounts[c] as number;
    if (!(blockCount > 0)) continue;
    const meanOffset = c * d;
    for (let a = 0; a < d; a++) scatter[meanOffset + a] = (scatter[meanOffset + a] as number) + (blockScatter[meanOffset + a] as number);
    counts[c] = (counts[c] as number) + blockCount;
    for (let a = 0; a < d; a++) {
      references[meanOffset + a] = (references[meanOffset + a] as number) + blockCount * (means[meanOffset + a] as number);
      sums[meanOffset + a] = (sums[meanOffset + a] as number) + (blockSums[meanOffset + a] as number);
    }
    addBlockTerms(stats, 'diagonal', d, c, blockCount, blockSums, meanOffset, means, meanOffset);
  }
}

/**
 * p.blockCounts[c] = Σ w, p.blockSums[c·d + a] = Σ w (x_a − μ_ca), p.blockScatter[c·d + a] =
 * Σ w (x_a − μ_ca)² over the rows of the block whose weight for c exceeds 2⁻⁵³ of their total.
 */
export function accumulateRowMajor(p: PreparedGaussian, x: Float64Array, start: number, end: number, weights: Float64Array): void {
  const { k, d, means, blockSums, blockCounts, blockScatter } = p;
  blockCounts.fill(0);
  blockSums.fill(0);
  blockScatter.fill(0);
  for (let i = start, wBase = 0; i < end; i++, wBase += k) {
    let total = 0;
    for (let c = 0; c < k; c++) total += weights[wBase + c] as number;
    const threshold = NEGLIGIBLE_WEIGHT * total;
    const row = i * d;
    for (let c = 0; c < k; c++) {
      const w = weights[wBase + c] as number;
      if (!(w > threshold)) continue;
      blockCounts[c] = (blockCounts[c] as number) + w;
      const offset = c * d;
      for (let a = 0; a < d; a++) {
        const v = (x[row + a] as number) - (means[offset + a] as number);
        const wv = w * v;
        blockSums[offset + a] = (blockSums[offset + a] as number) + wv;
        blockScatter[offset + a] = (blockScatter[offset + a] as number) + wv * v;
      }
    }
  }
}
