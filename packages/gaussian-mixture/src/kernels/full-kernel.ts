import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { blockWork, type PreparedGaussian } from '../prepared-gaussian.js';
import { addScatter, bucketRows, centerBlock, gatherCenteredRows, whitenBlock } from './blocked.js';
import { addScatterFromArena, centerSourceInArena, emitDensities, loadSourceIntoArena, reloadSourceIntoArena, simdArena, transposeWeights, weighSourceInArena, whitenInArena } from './simd-arena.js';

/** A component whose weight is non-negligible on at least this fraction of the block's rows is accumulated densely. */
const DENSE_FRACTION = 0.75;

/**
 * Full covariances. log N(x | μ_k, L_k·L_kᵀ) = c_k − ½‖y‖² with L_k·y = x − μ_k, solved by
 * forward substitution on the Cholesky factor (no inverse is formed), for a whole block of rows
 * at once per component.
 */
export function fullLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent = false): void {
  const { k, d, means, factors, inverseDiagonals, logNormalizers } = p;
  const rows = end - start;
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  const arena = simdArena(d, rows);
  if (arena !== undefined) {
    loadSourceIntoArena(arena, x, start, rows, d);
    for (let c = 0; c < k; c++) {
      centerSourceInArena(arena, d, means, c * d);
      whitenInArena(arena, d, factors, c * d * d, inverseDiagonals, c * d);
      emitDensities(arena, rows, logNormalizers[c] as number, 0.5, out, c, rowStep, componentStep);
    }
    return;
  }
  const { centered, perRow: squares } = blockWork(p, rows);
  const dd = d * d;
  for (let c = 0; c < k; c++) {
    centerBlock(x, start, rows, d, means, c * d, centered);
    whitenBlock(centered, rows, d, factors, c * dd, inverseDiagonals, c * d, squares);
    const constant = logNormalizers[c] as number;
    for (let i = 0, o = c * componentStep; i < rows; i++, o += rowStep) out[o] = constant - 0.5 * (squares[i] as number);
  }
}

/**
 * n_k += Σ w, sums_k += Σ w (x − μ_k), scatter_k += Σ w (x − μ_k)(x − μ_k)ᵀ (lower triangle),
 * component by component over the block (block sums are kept apart first: shorter summation
 * chains, and the reference terms need them). A row whose weight for a component is below
 * 2⁻⁵³ of its total weight is skipped for that component: with separated clusters that is most
 * (row, component) pairs, and each skipped term is below the round-off of the row's own
 * contribution. When a component carries weight on most rows of the block (poorly separated
 * clusters), the whole block is centred and weighed densely in WebAssembly instead.
 */
export function fullAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent = false): void {
  const { k, d, means } = p;
  const { counts, references, sums, scatter } = stats;
  const rows = end - start;
  // w_ic = weights[i·rowStep + c·componentStep]
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  const work = blockWork(p, rows);
  const { centered, weighted, perRow: column, rowIndex, componentRows, componentCounts, componentTotals: blockCounts, capacity } = work;
  const blockSums = p.blockSums;
  const dd = d * d;
  bucketRows(weights, rows, k, componentRows, capacity, componentCounts, byComponent);
  // One arena layout for the whole block; each component uses its first ⌈active/8⌉·8 rows.
  const arena = simdArena(d, rows, k);
  // The block's transpose, usually still in the arena from the densities of the same rows.
  if (arena !== undefined) reloadSourceIntoArena(arena, x, start, rows, d);
  let loaded = false;
  for (let c = 0; c < k; c++) {
    const active = componentCounts[c] as number;
    if (active === 0) continue;
    const list = c * capacity;
    const meanOffset = c * d;
    let blockCount = 0;
    if (arena !== undefined && active >= DENSE_FRACTION * rows) {
      // Most rows carry weight: centre and weigh the whole block in WebAssembly instead of
      // gathering the rows (the few negligible weights add terms below round-off).
      if (!loaded) {
        blockCounts.fill(0);
        transposeWeights(weights, rows, k, arena.view, arena.componentWeights, arena.stride, blockCounts, byComponent);
        loaded = true;
      }
      blockCount = blockCounts[c] as number;
      weighSourceInArena(arena, d, c, means, blockSums, meanOffset);
      addScatterFromArena(arena, d, scatter, c * dd);
    } else if (arena !== undefined) {
      for (let j = 0; j < active; j++) blockCount += weights[(componentRows[list + j] as number) * rowStep + c * componentStep] as number;
      // The same sums in the WebAssembly arena (padding rows weigh 0).
      const { view, stride } = arena;
      const padded = (active + 7) & ~7;
      for (let a = 0; a < d; a++) {
        const m = means[meanOffset + a] as number;
        const rc = arena.centered + a * stride;
        const rw = arena.weighted + a * stride;
        const rs = arena.source + a * stride;
        let s = 0;
        for (let j = 0; j < active; j++) {
          const i = componentRows[list + j] as number;
          const z = (view[rs + i] as number) - m;
          const v = (weights[i * rowStep + c * componentStep] as number) * z;
          view[rc + j] = z;
          view[rw + j] = v;
          s += v;
        }
        for (let j = active; j < padded; j++) {
          view[rc + j] = 0;
          view[rw + j] = 0;
        }
        blockSums[meanOffset + a] = s;
      }
      addScatterFromArena(arena, d, scatter, c * dd, padded);
    } else {
      for (let j = 0; j < active; j++) blockCount += weights[(componentRows[list + j] as number) * rowStep + c * componentStep] as number;
      for (let j = 0; j < active; j++) {
        const i = componentRows[list + j] as number;
        column[j] = weights[i * rowStep + c * componentStep] as number;
        rowIndex[j] = start + i;
      }
      gatherCenteredRows(x, rowIndex, active, d, means, meanOffset, centered);
      for (let a = 0; a < d; a++) {
        const ra = a * active;
        let s = 0;
        for (let i = 0; i < active; i++) {
          const v = (column[i] as number) * (centered[ra + i] as number);
          weighted[ra + i] = v;
          s += v;
        }
        blockSums[meanOffset + a] = s;
      }
      addScatter(weighted, centered, active, d, scatter, c * dd);
    }
    counts[c] = (counts[c] as number) + blockCount;
    for (let a = 0; a < d; a++) {
      references[meanOffset + a] = (references[meanOffset + a] as number) + blockCount * (means[meanOffset + a] as number);
      sums[meanOffset + a] = (sums[meanOffset + a] as number) + (blockSums[meanOffset + a] as number);
    }
    addBlockTerms(stats, 'full', d, c, blockCount, blockSums, meanOffset, means, meanOffset);
  }
}
