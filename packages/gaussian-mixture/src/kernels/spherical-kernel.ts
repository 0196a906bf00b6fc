import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { blockWork, type PreparedGaussian } from '../prepared-gaussian.js';
import { blockDensities, transposeBlock } from './blocked.js';
import { accumulateMoments } from './diagonal-kernel.js';
import {
  componentDensitiesInArena,
  distancesInArena,
  loadSourceIntoArena,
  weightedSumsInArena,
  recordComponentSquares,
  reloadSourceIntoArena,
  simdArena,
  takeComponentSquares,
  loadWeightsIntoArena,
  type SimdArena,
} from './simd-arena.js';

/** Spherical covariances: log N = c_k − ½ ‖x − μ_k‖² / σ²_k, coordinate by coordinate over the block; out as in diagonalLogDensities. */
export function sphericalLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent = false): void {
  const { k, d, means, precisions, logNormalizers } = p;
  const rows = end - start;
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  const arena = simdArena(d, rows, k);
  if (arena !== undefined) {
    loadSourceIntoArena(arena, x, start, rows, d, true);
    // ‖x − μ_c‖² stay in arena.componentSquares: the statistics of the same rows reuse them (Σ w‖x − μ‖²).
    componentDensitiesInArena(arena, rows, d, k, means, undefined, logNormalizers, precisions, 0.5, out, rowStep, componentStep);
    recordComponentSquares(p);
    return;
  }
  const { perRow: squares, centered: transposed } = blockWork(p, rows);
  transposeBlock(x, start, rows, d, transposed);
  blockDensities(transposed, rows, d, k, means, undefined, logNormalizers, precisions, 0.5, out, rowStep, componentStep, squares);
}

/**
 * n_k, Σ w (x − μ_k) and Σ w ‖x − μ_k‖², from the diagonal kernel's dense block moments about
 * each component's mean (see diagonal-kernel.ts).
 */
export function sphericalAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent = false): void {
  const arena = simdArena(p.d, end - start, p.k);
  if (arena !== undefined) {
    sphericalAccumulateInArena(p, stats, arena, x, start, end, weights, byComponent);
    return;
  }
  accumulateMoments(p, x, start, end, weights, byComponent);
  const { k, d, blockCounts, blockScatter } = p;
  for (let c = 0; c < k; c++) {
    const blockCount = blockCounts[c] as number;
    if (!(blockCount > 0)) continue;
    let squaredSum = 0;
    for (let a = 0; a < d; a++) squaredSum += blockScatter[c * d + a] as number;
    addSphericalBlock(stats, p, c, blockCount, squaredSum);
  }
}

/** Component c's block: n_c, Σ w (x − μ_c) (from p.blockSums) and Σ w ‖x − μ_c‖² into the statistics. */
function addSphericalBlock(stats: GaussianStatistics, p: PreparedGaussian, c: number, blockCount: number, squaredSum: number): void {
  const { d, means, blockSums } = p;
  const { counts, references, sums, scatter } = stats;
  const meanOffset = c * d;
  scatter[c] = (scatter[c] as number) + squaredSum;
  counts[c] = (counts[c] as number) + blockCount;
  for (let a = 0; a < d; a++) {
    references[meanOffset + a] = (references[meanOffset + a] as number) + blockCount * (means[meanOffset + a] as number);
    sums[meanOffset + a] = (sums[meanOffset + a] as number) + (blockSums[meanOffset + a] as number);
  }
  addBlockTerms(stats, 'spherical', d, c, blockCount, blockSums, meanOffset, means, meanOffset);
}

/**
 * The spherical statistics in WebAssembly: Σ w‖x − μ_c‖² from the squared distances the
 * densities of the same rows left in the arena (recomputed if they are not there), Σ w (x − μ_c)
 * from the sums-only moments kernel.
 */
function sphericalAccumulateInArena(
  p: PreparedGaussian,
  stats: GaussianStatistics,
  arena: SimdArena,
  x: Float64Array,
  start: number,
  end: number,
  weights: Float64Array,
  byComponent: boolean,
): void {
  const { k, d, means, blockSums, blockCounts } = p;
  const rows = end - start;
  const { view, stride, kernels } = arena;
  const reused = reloadSourceIntoArena(arena, x, start, rows, d, true);
  if (!(reused && takeComponentSquares(p))) {
    for (let c = 0; c < k; c++) distancesInArena(arena, d, means, c * d, undefined, 0, arena.source, arena.componentSquares + c * stride);
  }
  blockCounts.fill(0);
  loadWeightsIntoArena(arena, weights, rows, k, blockCounts, byComponent);
  // Σ w (x − μ_c) as Σ w (x − r) − (μ_c − r)·Σ w, r the block's first row: one product Wᵀ·X̃ of the
  // block centred on r (loaded with the block; data far from the origin keeps its digits) instead
  // of a pass per (c, a).
  const origin = start * d;
  weightedSumsInArena(arena, d, k, blockSums, arena.centered);
  for (let c = 0; c < k; c++) {
    const count = blockCounts[c] as number;
    for (let a = 0; a < d; a++) {
      const j = c * d + a;
      blockSums[j] = (blockSums[j] as number) - ((means[j] as number) - (x[origin + a] as number)) * count;
    }
  }
  kernels.dots(arena.componentWeights * 8, arena.componentSquares * 8, stride * 8, k, arena.dots * 8);
  for (let c = 0; c < k; c++) {
    const blockCount = blockCounts[c] as number;
    if (blockCount > 0) addSphericalBlock(stats, p, c, blockCount, view[arena.dots + c] as number);
  }
}
