import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { blockWork, type PreparedGaussian } from '../prepared-gaussian.js';
import { addScatter, centerBlock, whitenBlock } from './blocked.js';
import { addScatterFromArena, centerIntoArena, distancesInArena, simdArena, whitenInArena } from './simd-arena.js';

/**
 * Tied covariance: one factor L for every component. Per block, u = L⁻¹(x − c) once, then
 * ‖u − L⁻¹(μ_k − c)‖² per component: D²/2 + K·D work per row instead of K·D²/2.
 */
export function tiedLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array): void {
  const { k, d, center, factors, inverseDiagonals, whitenedMeans, logNormalizers } = p;
  const rows = end - start;
  const { centered, perRow: squares } = blockWork(p, rows);
  const constant = logNormalizers[0] as number;
  const arena = simdArena(d, rows);
  if (arena !== undefined) {
    centerIntoArena(arena, x, start, rows, d, center, 0);
    whitenInArena(arena, d, factors, 0, inverseDiagonals, 0);
    // ‖u − L⁻¹(μ_k − c)‖² on the whitened rows left in the arena.
    for (let c = 0; c < k; c++) {
      distancesInArena(arena, d, whitenedMeans, c * d, undefined, 0);
      for (let i = 0; i < rows; i++) out[i * k + c] = constant - 0.5 * (arena.view[arena.squares + i] as number);
    }
    return;
  } else {
    centerBlock(x, start, rows, d, center, 0, centered);
    whitenBlock(centered, rows, d, factors, 0, inverseDiagonals, 0, squares);
  }
  for (let c = 0; c < k; c++) {
    squares.fill(0, 0, rows);
    for (let a = 0; a < d; a++) {
      const m = whitenedMeans[c * d + a] as number;
      const ra = a * rows;
      for (let i = 0; i < rows; i++) {
        const v = (centered[ra + i] as number) - m;
        squares[i] = (squares[i] as number) + v * v;
      }
    }
    for (let i = 0; i < rows; i++) out[i * k + c] = constant - 0.5 * (squares[i] as number);
  }
}

/**
 * Complete-data tied statistics about the common reference c: n_k, Σ w_ik (x − c) per component,
 * and one total scatter Σ_i (Σ_k w_ik)(x − c)(x − c)ᵀ (lower triangle).
 */
export function tiedAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array): void {
  const { k, d, center } = p;
  const { counts, references, sums, scatter } = stats;
  const rows = end - start;
  const { centered, weighted, perRow: totals } = blockWork(p, rows);
  const blockSums = p.blockSums;
  centerBlock(x, start, rows, d, center, 0, centered);
  let blockTotal = 0;
  for (let i = 0; i < rows; i++) {
    let t = 0;
    for (let c = 0; c < k; c++) t += weights[i * k + c] as number;
    totals[i] = t;
    blockTotal += t;
  }
  if (blockTotal === 0) return;
  const totalSums = p.scratch;
  const arena = simdArena(d, rows);
  for (let a = 0; a < d; a++) {
    const ra = a * rows;
    let s = 0;
    for (let i = 0; i < rows; i++) {
      const v = (totals[i] as number) * (centered[ra + i] as number);
      weighted[ra + i] = v;
      s += v;
    }
    totalSums[a] = s;
    if (arena !== undefined) {
      const { view, stride } = arena;
      view.set(centered.subarray(ra, ra + rows), arena.centered + a * stride);
      view.set(weighted.subarray(ra, ra + rows), arena.weighted + a * stride);
      view.fill(0, arena.centered + a * stride + rows, arena.centered + (a + 1) * stride);
      view.fill(0, arena.weighted + a * stride + rows, arena.weighted + (a + 1) * stride);
    }
  }
  if (arena !== undefined) addScatterFromArena(arena, d, scatter, 0);
  else addScatter(weighted, centered, rows, d, scatter, 0);
  for (let c = 0; c < k; c++) {
    let n = 0;
    for (let i = 0; i < rows; i++) n += weights[i * k + c] as number;
    if (n === 0) continue;
    counts[c] = (counts[c] as number) + n;
    for (let a = 0; a < d; a++) {
      const ra = a * rows;
      let s = 0;
      for (let i = 0; i < rows; i++) s += (weights[i * k + c] as number) * (centered[ra + i] as number);
      blockSums[c * d + a] = s;
      references[c * d + a] = (references[c * d + a] as number) + n * (center[a] as number);
      sums[c * d + a] = (sums[c * d + a] as number) + s;
    }
  }
  addBlockTerms(stats, 'total', d, 0, blockTotal, totalSums, 0, center, 0);
}
