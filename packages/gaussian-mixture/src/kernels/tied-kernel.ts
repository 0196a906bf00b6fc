import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { blockWork, type PreparedGaussian } from '../prepared-gaussian.js';
import { addScatter, blockDensities, centerBlock, NEGLIGIBLE_WEIGHT, whitenBlock } from './blocked.js';
import { addScatterFromArena, centerSourceInArena, emitDensities, distancesInArena, loadSourceIntoArena, weightedSumsInArena, reloadSourceIntoArena, simdArena, loadWeightsIntoArena, whitenInArena } from './simd-arena.js';

/**
 * Tied covariance: one factor L for every component. Per block, u = L⁻¹(x − c) once, then
 * ‖u − L⁻¹(μ_k − c)‖² per component: D²/2 + K·D work per row instead of K·D²/2. out row-major, or
 * component-major with `byComponent` (see diagonalLogDensities).
 */
export function tiedLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent = false): void {
  const { k, d, center, factors, inverseDiagonals, whitenedMeans, logNormalizers } = p;
  const rows = end - start;
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  const { centered, perRow: squares } = blockWork(p, rows);
  const constant = logNormalizers[0] as number;
  const arena = simdArena(d, rows);
  if (arena !== undefined) {
    loadSourceIntoArena(arena, x, start, rows, d);
    centerSourceInArena(arena, d, center, 0);
    whitenInArena(arena, d, factors, 0, inverseDiagonals, 0);
    // ‖u − L⁻¹(μ_k − c)‖² on the whitened rows left in the arena.
    for (let c = 0; c < k; c++) {
      distancesInArena(arena, d, whitenedMeans, c * d, undefined, 0);
      emitDensities(arena, rows, constant, 0.5, out, c, rowStep, componentStep);
    }
    return;
  }
  centerBlock(x, start, rows, d, center, 0, centered);
  whitenBlock(centered, rows, d, factors, 0, inverseDiagonals, 0, squares);
  blockDensities(centered, rows, d, k, whitenedMeans, undefined, logNormalizers, undefined, 0.5, out, rowStep, componentStep, squares);
}

/**
 * Complete-data tied statistics about the common reference c: n_k, Σ w_ik (x − c) per component,
 * and one total scatter Σ_i (Σ_k w_ik)(x − c)(x − c)ᵀ (lower triangle).
 */
export function tiedAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent = false): void {
  const { k, d, center } = p;
  const { counts, references, sums, scatter } = stats;
  const rows = end - start;
  // w_ic = weights[i·rowStep + c·componentStep]
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  const work = blockWork(p, rows);
  const { perRow: totals, rowIndex, rowTotals } = work;
  const blockSums = p.blockSums;
  let blockTotal = 0;
  for (let i = 0; i < rows; i++) {
    let t = 0;
    for (let c = 0, o = i * rowStep; c < k; c++, o += componentStep) t += weights[o] as number;
    totals[i] = t;
    rowTotals[i] = NEGLIGIBLE_WEIGHT * t;
    blockTotal += t;
  }
  if (blockTotal === 0) return;
  const totalSums = p.scratch;
  // Centred rows (coordinate-major) with stride `stride`: in the WebAssembly arena when available.
  const arena = simdArena(d, rows, k);
  let centered: Float64Array;
  let weighted: Float64Array;
  let base: number;
  let weightedBase: number;
  let stride: number;
  if (arena !== undefined) {
    reloadSourceIntoArena(arena, x, start, rows, d);
    centerSourceInArena(arena, d, center, 0);
    centered = arena.view;
    weighted = arena.view;
    base = arena.centered;
    weightedBase = arena.weighted;
    stride = arena.stride;
  } else {
    centered = work.centered;
    weighted = work.weighted;
    centerBlock(x, start, rows, d, center, 0, centered);
    base = 0;
    weightedBase = 0;
    stride = rows;
  }
  for (let a = 0; a < d; a++) {
    const rc = base + a * stride;
    const rw = weightedBase + a * stride;
    let s = 0;
    for (let i = 0; i < rows; i++) {
      const v = (totals[i] as number) * (centered[rc + i] as number);
      weighted[rw + i] = v;
      s += v;
    }
    for (let i = rows; i < stride; i++) weighted[rw + i] = 0;
    totalSums[a] = s;
  }
  if (arena !== undefined) addScatterFromArena(arena, d, scatter, 0);
  else addScatter(weighted, centered, rows, d, scatter, 0);
  if (arena !== undefined) {
    // Per-component sums Σ w_ic (x − c) as dense products over the centred block.
    const blockCounts = p.blockCounts;
    blockCounts.fill(0);
    loadWeightsIntoArena(arena, weights, rows, k, blockCounts, byComponent);
    weightedSumsInArena(arena, d, k, blockSums, arena.centered);
    for (let c = 0; c < k; c++) {
      const n = blockCounts[c] as number;
      counts[c] = (counts[c] as number) + n;
      for (let a = 0; a < d; a++) {
        references[c * d + a] = (references[c * d + a] as number) + n * (center[a] as number);
        sums[c * d + a] = (sums[c * d + a] as number) + (blockSums[c * d + a] as number);
      }
    }
    addBlockTerms(stats, 'total', d, 0, blockTotal, totalSums, 0, center, 0);
    return;
  }
  // Per-component sums over the rows that carry weight for the component (see full-kernel.ts).
  for (let c = 0; c < k; c++) {
    let n = 0;
    let active = 0;
    for (let i = 0; i < rows; i++) {
      const w = weights[i * rowStep + c * componentStep] as number;
      if (!(w > (rowTotals[i] as number))) continue;
      rowIndex[active++] = i;
      n += w;
    }
    if (active === 0) continue;
    counts[c] = (counts[c] as number) + n;
    for (let a = 0; a < d; a++) {
      const rc = base + a * stride;
      let s = 0;
      for (let j = 0; j < active; j++) {
        const i = rowIndex[j] as number;
        s += (weights[i * rowStep + c * componentStep] as number) * (centered[rc + i] as number);
      }
      blockSums[c * d + a] = s;
      references[c * d + a] = (references[c * d + a] as number) + n * (center[a] as number);
      sums[c * d + a] = (sums[c * d + a] as number) + s;
    }
  }
  addBlockTerms(stats, 'total', d, 0, blockTotal, totalSums, 0, center, 0);
}
