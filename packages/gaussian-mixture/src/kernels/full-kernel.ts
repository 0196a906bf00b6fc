import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { blockWork, type PreparedGaussian, type ScatterReferences } from '../prepared-gaussian.js';
import { addScatter, bucketRows, centerBlock, gatherCenteredRows, NEGLIGIBLE_WEIGHT, whitenBlock } from './blocked.js';
import {
  addScatterFromArena,
  bucketRowsInArena,
  centerSourceInArena,
  emitDensities,
  gatherRowsInArena,
  loadSourceIntoArena,
  reloadSourceIntoArena,
  rowListOf,
  simdArena,
  loadWeightsIntoArena,
  weighSourceInArena,
  whitenInArena,
  type SimdArena,
} from './simd-arena.js';

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
export function fullAccumulate(p: ScatterReferences, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent = false): void {
  const rows = end - start;
  const arena = simdArena(p.d, rows, p.k);
  if (arena === undefined) fullAccumulateBlocked(p, stats, x, start, end, weights, byComponent);
  else fullAccumulateInArena(p, stats, arena, x, start, end, weights, byComponent);
}

/**
 * The statistics in WebAssembly: the block's transpose (usually still in the arena from the
 * densities), the weights component-major, rows bucketed per component; then per component
 * either the listed rows gathered, centred and weighed, or — when most rows carry weight — the
 * whole block centred and weighed densely, and the weighted scatter.
 */
function fullAccumulateInArena(p: ScatterReferences, stats: GaussianStatistics, arena: SimdArena, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent: boolean): void {
  const { k, d, means } = p;
  const { scatter } = stats;
  const rows = end - start;
  const blockCounts = blockWork(p, rows).componentTotals;
  const blockSums = p.blockSums;
  reloadSourceIntoArena(arena, x, start, rows, d);
  blockCounts.fill(0);
  loadWeightsIntoArena(arena, weights, rows, k, blockCounts, byComponent);
  const integers = bucketRowsInArena(arena, rows, k, NEGLIGIBLE_WEIGHT);
  for (let c = 0; c < k; c++) {
    const active = integers[rowListOf(arena, c).count] as number;
    if (active === 0) continue;
    const meanOffset = c * d;
    if (active >= DENSE_FRACTION * rows) {
      // Most rows carry weight: the whole block (the few negligible weights add terms below round-off).
      weighSourceInArena(arena, d, c, means, blockSums, meanOffset);
      addScatterFromArena(arena, d, scatter, c * d * d);
    } else {
      const padded = gatherRowsInArena(arena, d, c, active, means, blockSums, meanOffset);
      addScatterFromArena(arena, d, scatter, c * d * d, padded);
    }
    addComponentBlock(stats, p, c, blockCounts[c] as number);
  }
}

/** counts, reference terms and sums of component c from its block count and p.blockSums. */
function addComponentBlock(stats: GaussianStatistics, p: ScatterReferences, c: number, blockCount: number): void {
  const { d, means, blockSums } = p;
  const { counts, references, sums } = stats;
  const meanOffset = c * d;
  counts[c] = (counts[c] as number) + blockCount;
  for (let a = 0; a < d; a++) {
    references[meanOffset + a] = (references[meanOffset + a] as number) + blockCount * (means[meanOffset + a] as number);
    sums[meanOffset + a] = (sums[meanOffset + a] as number) + (blockSums[meanOffset + a] as number);
  }
  addBlockTerms(stats, 'full', d, c, blockCount, blockSums, meanOffset, means, meanOffset);
}

/** The statistics in TypeScript (engines without WebAssembly SIMD): rows bucketed, gathered and scattered per component. */
function fullAccumulateBlocked(p: ScatterReferences, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent: boolean): void {
  const { k, d, means } = p;
  const { scatter } = stats;
  const rows = end - start;
  // w_ic = weights[i·rowStep + c·componentStep]
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  const work = blockWork(p, rows);
  const { centered, weighted, perRow: column, rowIndex, componentRows, componentCounts, capacity } = work;
  const blockSums = p.blockSums;
  bucketRows(weights, rows, k, componentRows, capacity, componentCounts, byComponent);
  for (let c = 0; c < k; c++) {
    const active = componentCounts[c] as number;
    if (active === 0) continue;
    const list = c * capacity;
    const meanOffset = c * d;
    let blockCount = 0;
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
    addScatter(weighted, centered, active, d, scatter, c * d * d);
    addComponentBlock(stats, p, c, blockCount);
  }
}
