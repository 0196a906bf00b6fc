import { blockWork, type PreparedGaussian } from '../prepared-gaussian.js';
import { blockDensities, centerBlock, whitenBlock } from './blocked.js';
import { centerSourceInArena, emitDensities, distancesInArena, loadSourceIntoArena, simdArena, whitenInArena } from './simd-arena.js';

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
