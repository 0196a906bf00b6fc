import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { blockWork, type PreparedGaussian } from '../prepared-gaussian.js';
import { blockDensities, transposeBlock } from './blocked.js';
import { componentDensitiesInArena, loadSourceIntoArena, loadWeightsIntoArena, momentsInArena, reloadSourceIntoArena, simdArena, transposeWeights } from './simd-arena.js';

/**
 * Diagonal covariances: log N = c_k − ½ Σ_j (x_j − μ_kj)² / σ²_kj, coordinate by coordinate over
 * the block; out row-major (out[i·K + k]) or, `byComponent`, component-major (out[k·rows + i]).
 */
export function diagonalLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent = false): void {
  const { k, d, means, precisions, logNormalizers } = p;
  const rows = end - start;
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  const arena = simdArena(d, rows, k);
  if (arena !== undefined) {
    loadSourceIntoArena(arena, x, start, rows, d);
    componentDensitiesInArena(arena, rows, d, k, means, precisions, logNormalizers, undefined, 0.5, out, rowStep, componentStep);
    return;
  }
  const { perRow: squares, centered: transposed } = blockWork(p, rows);
  transposeBlock(x, start, rows, d, transposed);
  blockDensities(transposed, rows, d, k, means, precisions, logNormalizers, undefined, 0.5, out, rowStep, componentStep, squares);
}

/**
 * n_k, Σ w (x − μ_k) and Σ w (x − μ_k)² per coordinate, from the block's moments about each
 * component's own mean (see accumulateMoments): the statistics stay centred on μ_k, so far-off
 * data loses no digits to cancellation.
 */
export function diagonalAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent = false): void {
  accumulateMoments(p, x, start, end, weights, byComponent);
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
 * Σ w (x_a − μ_ca)² over every row of the block. Dense and branch-free: the block is laid out
 * coordinate-major and the weights component-major once, then each (component, coordinate) is
 * one pass over the rows with independent accumulators (WebAssembly SIMD where available).
 */
export function accumulateMoments(p: PreparedGaussian, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent = false): void {
  const { k, d, means, blockSums, blockCounts, blockScatter } = p;
  const rows = end - start;
  blockCounts.fill(0);
  const arena = simdArena(d, rows, k);
  if (arena !== undefined) {
    reloadSourceIntoArena(arena, x, start, rows, d);
    loadWeightsIntoArena(arena, weights, rows, k, blockCounts, byComponent);
    momentsInArena(arena, d, k, means, blockSums, blockScatter, arena.source);
    return;
  }
  const work = blockWork(p, rows);
  const { centered: transposed, componentWeights } = work;
  transposeBlock(x, start, rows, d, transposed);
  transposeWeights(weights, rows, k, componentWeights, 0, rows, blockCounts, byComponent);
  for (let c = 0; c < k; c++) {
    const wc = c * rows;
    for (let a = 0; a < d; a++) {
      const m = means[c * d + a] as number;
      const xa = a * rows;
      let s0 = 0;
      let s1 = 0;
      let q0 = 0;
      let q1 = 0;
      let i = 0;
      for (; i + 1 < rows; i += 2) {
        const z0 = (transposed[xa + i] as number) - m;
        const z1 = (transposed[xa + i + 1] as number) - m;
        const v0 = (componentWeights[wc + i] as number) * z0;
        const v1 = (componentWeights[wc + i + 1] as number) * z1;
        s0 += v0;
        s1 += v1;
        q0 += v0 * z0;
        q1 += v1 * z1;
      }
      if (i < rows) {
        const z0 = (transposed[xa + i] as number) - m;
        const v0 = (componentWeights[wc + i] as number) * z0;
        s0 += v0;
        q0 += v0 * z0;
      }
      blockSums[c * d + a] = s0 + s1;
      blockScatter[c * d + a] = q0 + q1;
    }
  }
}
