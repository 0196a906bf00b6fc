import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { blockWork, type PreparedGaussian } from '../prepared-gaussian.js';
import { transposeBlock } from './blocked.js';
import { accumulateMoments } from './diagonal-kernel.js';
import { distancesInArena, emitDensities, loadSourceIntoArena, simdArena } from './simd-arena.js';

/** Spherical covariances: log N = c_k − ½ ‖x − μ_k‖² / σ²_k, coordinate by coordinate over the block; out as in diagonalLogDensities. */
export function sphericalLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent = false): void {
  const { k, d, means, precisions, logNormalizers } = p;
  const rows = end - start;
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  const arena = simdArena(d, rows);
  if (arena !== undefined) {
    loadSourceIntoArena(arena, x, start, rows, d);
    for (let c = 0; c < k; c++) {
      distancesInArena(arena, d, means, c * d, undefined, 0, arena.source);
      emitDensities(arena, rows, logNormalizers[c] as number, 0.5 * (precisions[c] as number), out, c, rowStep, componentStep);
    }
    return;
  }
  const { perRow: squares, centered: transposed } = blockWork(p, rows);
  transposeBlock(x, start, rows, d, transposed);
  for (let c = 0; c < k; c++) {
    squares.fill(0, 0, rows);
    for (let a = 0; a < d; a++) {
      const m = means[c * d + a] as number;
      const source = a * rows;
      for (let i = 0; i < rows; i++) {
        const v = (transposed[source + i] as number) - m;
        squares[i] = (squares[i] as number) + v * v;
      }
    }
    const constant = logNormalizers[c] as number;
    const half = 0.5 * (precisions[c] as number);
    for (let i = 0, o = c * componentStep; i < rows; i++, o += rowStep) out[o] = constant - half * (squares[i] as number);
  }
}

/**
 * n_k, Σ w (x − μ_k) and Σ w ‖x − μ_k‖², from the diagonal kernel's dense block moments about
 * each component's mean (see diagonal-kernel.ts).
 */
export function sphericalAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent = false): void {
  accumulateMoments(p, x, start, end, weights, byComponent);
  const { k, d, means, blockSums, blockCounts, blockScatter } = p;
  const { counts, references, sums, scatter } = stats;
  for (let c = 0; c < k; c++) {
    const blockCount = blockCounts[c] as number;
    if (!(blockCount > 0)) continue;
    const meanOffset = c * d;
    let squaredSum = 0;
    for (let a = 0; a < d; a++) squaredSum += blockScatter[meanOffset + a] as number;
    scatter[c] = (scatter[c] as number) + squaredSum;
    counts[c] = (counts[c] as number) + blockCount;
    for (let a = 0; a < d; a++) {
      references[meanOffset + a] = (references[meanOffset + a] as number) + blockCount * (means[meanOffset + a] as number);
      sums[meanOffset + a] = (sums[meanOffset + a] as number) + (blockSums[meanOffset + a] as number);
    }
    addBlockTerms(stats, 'spherical', d, c, blockCount, blockSums, meanOffset, means, meanOffset);
  }
}
