import { WeakViewIdentity } from '@em/core';
import { simdKernels, type SimdKernels } from './simd.js';

/**
 * Where the WebAssembly kernels read and write: one block's coordinate-major arrays inside the
 * module's memory. Indices are in doubles (for the Float64Array view), `*Byte` in bytes (for the
 * WebAssembly calls). The view is re-created only when the memory grows.
 */
export interface SimdArena {
  readonly kernels: SimdKernels;
  readonly view: Float64Array;
  /** Rows per coordinate (a multiple of 8). */
  readonly stride: number;
  readonly centered: number;
  readonly weighted: number;
  readonly squares: number;
  readonly factor: number;
  readonly inverse: number;
  readonly out: number;
  /** The block as read from the data, coordinate-major (D × stride). */
  readonly source: number;
  /** The block's weights component-major (K × stride), the means (K·D) and the moments out (2·K·D); empty unless `k` was given. */
  readonly componentWeights: number;
  readonly componentMeans: number;
  readonly moments: number;
  /** A row-major copy of the block (rows·D) on its way to `source`, and two constants for `affine`. */
  readonly raw: number;
  readonly constants: number;
  /** bucket's per-row thresholds (stride doubles), row lists (K·stride i32) and their lengths (K i32). */
  readonly thresholds: number;
  readonly lists: number;
  readonly listCounts: number;
  /** Per-component squared distances kept from the densities (K × stride) and K dot products. */
  readonly componentSquares: number;
  readonly dots: number;
  /** Every component's log-density column (K × stride), precisions (K·D) and density constants (2K). */
  readonly componentDensities: number;
  readonly componentPrecisions: number;
  readonly componentConstants: number;
  /** The point a centred load subtracts (D): the block's first row. */
  readonly origin: number;
}

let view: Float64Array | undefined;

/** The arena for d coordinates, `rows` rows (padded to a multiple of 8) and k components' weights, or undefined without SIMD. */
export function simdArena(d: number, rows: number, k = 0): SimdArena | undefined {
  const kernels = simdKernels();
  if (kernels === undefined) return undefined;
  // Rows padded to a multiple of 8, plus 8 more whenever that would make a column a multiple of
  // 4 KB long: columns 4 KB apart fall in the same cache sets (and alias in store forwarding),
  // which made every column-wise kernel markedly slower for 512-row blocks. (Core's E-step blocks
  // are 504 rows: stride = rows, and a component-major block copies in and out in one piece.)
  const padded = (rows + 7) & ~7;
  const stride = padded % 512 === 0 ? padded + 8 : padded;
  const centered = 0;
  const weighted = centered + d * stride;
  const squares = weighted + d * stride;
  const factor = squares + stride;
  const inverse = factor + d * d;
  const out = inverse + d;
  const source = out + d * d;
  const componentWeights = source + d * stride;
  const componentMeans = componentWeights + k * stride;
  const moments = componentMeans + k * d;
  const raw = moments + 2 * k * d;
  const constants = raw + d * stride;
  const thresholds = constants + 4;
  const lists = thresholds + stride;
  const listCounts = lists + (k * stride) / 2;
  const componentSquares = listCounts + k + (k & 1);
  const dots = componentSquares + k * stride;
  const componentDensities = dots + k + (k & 1);
  const componentPrecisions = componentDensities + k * stride;
  const componentConstants = componentPrecisions + k * d;
  const origin = componentConstants + 2 * k;
  const buffer = kernels.reserve((origin + d) * 8);
  if (view === undefined || view.buffer !== buffer) view = new Float64Array(buffer);
  return {
    kernels,
    view,
    stride,
    centered,
    weighted,
    squares,
    factor,
    inverse,
    out,
    source,
    componentWeights,
    componentMeans,
    moments,
    raw,
    constants,
    thresholds,
    lists,
    listCounts,
    componentSquares,
    dots,
    componentDensities,
    componentPrecisions,
    componentConstants,
    origin,
  };
}

/**
 * Bytes per column of one span of the span kernels (assembly/gaussian-spans.ts): as many rows (a multiple of
 * 8) as let `columns` columns of the span share 24 KB of the level-1 cache.
 */
function spanBytes(columns: number): number {
  return Math.max(8, Math.floor(3072 / Math.max(columns, 1) / 8) * 8) * 8;
}

/**
 * The block whose transpose is in arena.source (and, `centred`, arena.centered), recorded by
 * loadSourceIntoArena for the one statistics call that follows the density call of the same block
 * in an E-step (weakly: the record does not keep the data alive).
 */
let loadedBlock: { readonly start: number; readonly rows: number; readonly d: number; readonly source: number; readonly centred: boolean } | undefined;

/** The data the loaded block came from (one WeakRef per buffer, not one per block or per view). */
const loadedData = new WeakViewIdentity();

/**
 * Like loadSourceIntoArena, but skips the copy when the last block loaded is this one (the
 * densities of the same rows were just computed; with `centred`, loaded centred too), and forgets
 * that block either way, so a later call — perhaps after the data changed — copies again.
 */
export function reloadSourceIntoArena(arena: SimdArena, x: Float64Array, start: number, rows: number, d: number, centred = false): boolean {
  const block = loadedBlock;
  if (block !== undefined && loadedData.matches(x) && block.start === start && block.rows === rows && block.d === d && block.source === arena.source && (block.centred || !centred)) {
    loadedBlock = undefined;
    return true;
  }
  loadSourceIntoArena(arena, x, start, rows, d, centred);
  loadedBlock = undefined;
  return false;
}

/** The prepared components whose squared distances to the loaded block are in arena.componentSquares. */
let squaresOf: object | undefined;

/** Records that arena.componentSquares holds `owner`'s distances to the block just loaded. */
export function recordComponentSquares(owner: object): void {
  squaresOf = owner;
}

/**
 * Whether arena.componentSquares holds `owner`'s distances to the block (call right after
 * reloadSourceIntoArena returned true); the record is consumed.
 */
export function takeComponentSquares(owner: object): boolean {
  const held = squaresOf === owner;
  squaresOf = undefined;
  return held;
}

/**
 * arena.source[a·stride + i] = x[(start + i)·d + a] (the block transposed once), padding rows 0;
 * `centred`: also arena.centered = the same less the block's first row (kept in arena.origin).
 */
export function loadSourceIntoArena(arena: SimdArena, x: Float64Array, start: number, rows: number, d: number, centred = false): void {
  loadedData.remember(x);
  loadedBlock = { start, rows, d, source: arena.source, centred };
  squaresOf = undefined;
  const { view: v, stride, source, raw, kernels } = arena;
  v.set(x.subarray(start * d, (start + rows) * d), raw);
  // The kernel takes rows in pairs: an odd block's partner row is a row of zeros.
  if ((rows & 1) === 1) v.fill(0, raw + rows * d, raw + (rows + 1) * d);
  if (centred) {
    v.set(x.subarray(start * d, start * d + d), arena.origin);
    kernels.transposeCentred(raw * 8, rows, d, source * 8, stride * 8, arena.origin * 8, arena.centered * 8);
    // The zero partner row of an odd block came out as −origin: padding is 0.
    if ((rows & 1) === 1) for (let a = 0; a < d; a++) v[arena.centered + a * stride + rows] = 0;
  } else {
    kernels.transpose(raw * 8, rows, d, source * 8, stride * 8, 0, 0);
  }
}

/** arena.centered = arena.source − mean (every coordinate), in WebAssembly. */
export function centerSourceInArena(arena: SimdArena, d: number, mean: Float64Array, meanOffset: number): void {
  const { view: v, stride } = arena;
  v.set(mean.subarray(meanOffset, meanOffset + d), arena.out);
  arena.kernels.center(arena.source * 8, stride / 2, stride * 8, d, arena.out * 8, arena.centered * 8);
}

/** Whitens arena.centered in place with factor `factors[offset…]` (L, row-major) and 1/L_aa; ‖y‖² into arena.squares. */
export function whitenInArena(arena: SimdArena, d: number, factors: Float64Array, factorOffset: number, inverseDiagonals: Float64Array, diagonalOffset: number): void {
  const { view: v, stride } = arena;
  v.set(factors.subarray(factorOffset, factorOffset + d * d), arena.factor);
  v.set(inverseDiagonals.subarray(diagonalOffset, diagonalOffset + d), arena.inverse);
  arena.kernels.whiten(arena.centered * 8, stride / 2, stride * 8, d, arena.factor * 8, arena.inverse * 8, arena.squares * 8);
}

/**
 * arena.squares[i] = Σ_a (arena[from + a·stride + i] − mean[a])²·precision[a] (precision
 * omitted: 1; `from` arena.centered unless given), via the arena's factor slot for the means and
 * inverse slot for the precisions.
 */
export function distancesInArena(
  arena: SimdArena,
  d: number,
  mean: Float64Array,
  meanOffset: number,
  precisions: Float64Array | undefined,
  precisionOffset: number,
  from: number = arena.centered,
  target: number = arena.squares,
): void {
  const { view: v, stride } = arena;
  v.set(mean.subarray(meanOffset, meanOffset + d), arena.factor);
  if (precisions === undefined) {
    arena.kernels.unweightedDistances(from * 8, stride / 2, stride * 8, d, arena.factor * 8, 0, target * 8);
    return;
  }
  v.set(precisions.subarray(precisionOffset, precisionOffset + d), arena.inverse);
  arena.kernels.distances(from * 8, stride / 2, stride * 8, d, arena.factor * 8, arena.inverse * 8, target * 8);
}

/**
 * scatter[offset + a·d + b] += Σ_i weighted_a·centered_b (b ≤ a) from the arena over the first
 * `rows` rows (a multiple of 8, default the whole stride; padding rows must have weight 0).
 */
export function addScatterFromArena(arena: SimdArena, d: number, scatter: Float64Array, offset: number, rows: number = arena.stride): void {
  const { view: v, stride } = arena;
  arena.kernels.scatter(arena.weighted * 8, arena.centered * 8, rows / 8, stride * 8, d, arena.out * 8);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) scatter[offset + a * d + b] = (scatter[offset + a * d + b] as number) + (v[arena.out + a * d + b] as number);
  }
}

/**
 * Moments of the block at `source` (e.g. arena.source, the raw rows of loadSourceIntoArena) about
 * every component's mean: with z = x_a − μ_ca, sums[c·d + a] = Σ_i w_ic·z and scatter[c·d + a]
 * = Σ_i w_ic·z², w from arena.componentWeights (padding rows weigh 0). Dense: no per-row test.
 */
export function momentsInArena(arena: SimdArena, d: number, k: number, means: Float64Array, sums: Float64Array, scatter: Float64Array, source: number = arena.centered): void {
  const { view: v, stride } = arena;
  v.set(means.subarray(0, k * d), arena.componentMeans);
  v.fill(0, arena.moments, arena.moments + 2 * k * d);
  arena.kernels.moments(source * 8, arena.componentWeights * 8, spanBytes(d + k), stride * 8, d, k, arena.componentMeans * 8, arena.moments * 8);
  for (let j = 0, o = arena.moments; j < k * d; j++, o += 2) {
    sums[j] = v[o] as number;
    scatter[j] = v[o + 1] as number;
  }
}

/**
 * sums[c·d + a] = Σ_i w_ic·arena[from + a·stride + i] (weights from arena.componentWeights,
 * padding rows weigh 0): the product Wᵀ·X in WebAssembly, one multiply-add per term.
 */
export function weightedSumsInArena(arena: SimdArena, d: number, k: number, sums: Float64Array, from: number): void {
  const { view: v, stride } = arena;
  v.fill(0, arena.moments, arena.moments + k * d);
  arena.kernels.weightedSums(from * 8, arena.componentWeights * 8, spanBytes(d + k), stride * 8, d, k, arena.moments * 8);
  for (let j = 0; j < k * d; j++) sums[j] = v[arena.moments + j] as number;
}

/**
 * The block's weights into arena.componentWeights (K × stride, padding rows 0) and counts[c] +=
 * Σ_i w_ic: component-major weights are copied a column at a time and summed in WebAssembly;
 * row-major ones (the HMM's) are transposed by transposeWeights.
 */
export function loadWeightsIntoArena(arena: SimdArena, weights: Float64Array, rows: number, k: number, counts: Float64Array, byComponent: boolean): void {
  const { view: v, stride, componentWeights } = arena;
  if (!byComponent) {
    transposeWeights(weights, rows, k, v, componentWeights, stride, counts);
    return;
  }
  if (stride === rows) {
    // Same layout (core's 504-row blocks): the whole block in one copy, no padding.
    v.set(weights.subarray(0, k * rows), componentWeights);
  } else {
    for (let c = 0; c < k; c++) {
      const column = componentWeights + c * stride;
      v.set(weights.subarray(c * rows, (c + 1) * rows), column);
      v.fill(0, column + rows, column + stride);
    }
  }
  arena.kernels.columnSums(componentWeights * 8, 0, stride * 8, k, arena.dots * 8);
  for (let c = 0; c < k; c++) counts[c] = (counts[c] as number) + (v[arena.dots + c] as number);
}

/**
 * out[offset + c·stride + i] = w_ic (rows beyond `rows` up to the stride set to 0), counts[c] +=
 * Σ_i w_ic, with w_ic = weights[i·k + c] (row-major) or weights[c·rows + i] (`byComponent`).
 */
export function transposeWeights(weights: Float64Array, rows: number, k: number, out: Float64Array, offset: number, stride: number, counts: Float64Array, byComponent = false): void {
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  for (let c = 0; c < k; c++) {
    const column = offset + c * stride;
    let n = 0;
    if (byComponent) {
      // Already a column: one copy, then the sum (two accumulators).
      const from = c * rows;
      out.set(weights.subarray(from, from + rows), column);
      let m = 0;
      let i = 0;
      for (; i + 1 < rows; i += 2) {
        n += weights[from + i] as number;
        m += weights[from + i + 1] as number;
      }
      if (i < rows) n += weights[from + i] as number;
      n += m;
    } else {
      for (let i = 0, source = c * componentStep; i < rows; i++, source += rowStep) {
        const w = weights[source] as number;
        out[column + i] = w;
        n += w;
      }
    }
    for (let i = rows; i < stride; i++) out[column + i] = 0;
    counts[c] = (counts[c] as number) + n;
  }
}

/**
 * For component c over the whole block in arena.source: arena.centered = x − μ_c, arena.weighted
 * = w_c·(x − μ_c) (w_c from arena.componentWeights), sums[sumOffset + a] = Σ_i w_ic·(x_a − μ_ca).
 */
export function weighSourceInArena(arena: SimdArena, d: number, c: number, means: Float64Array, sums: Float64Array, sumOffset: number): void {
  const { view: v, stride } = arena;
  v.set(means.subarray(c * d, (c + 1) * d), arena.out);
  const weights = arena.componentWeights + c * stride;
  arena.kernels.weigh(arena.source * 8, weights * 8, stride / 4, stride * 8, d, arena.out * 8, arena.centered * 8, arena.weighted * 8, arena.inverse * 8);
  for (let a = 0; a < d; a++) sums[sumOffset + a] = v[arena.inverse + a] as number;
}

/**
 * Every component's log-density column of the block in arena.source in one call: out[c·componentStep
 * + i·rowStep] = constants_c − scaleFactor·scales_c·Σ_a (x_ia − μ_ca)²·τ_ca, τ from `precisions` (K·D) or 1
 * when undefined, in which case the squared distances are also kept in arena.componentSquares
 * (the spherical statistics reuse them).
 */
export function componentDensitiesInArena(
  arena: SimdArena,
  rows: number,
  d: number,
  k: number,
  means: Float64Array,
  precisions: Float64Array | undefined,
  constants: Float64Array,
  scales: Float64Array | undefined,
  scaleFactor: number,
  out: Float64Array,
  rowStep: number,
  componentStep: number,
): void {
  const { view: v, stride, componentDensities } = arena;
  v.set(means.subarray(0, k * d), arena.componentMeans);
  for (let c = 0; c < k; c++) {
    v[arena.componentConstants + 2 * c] = constants[c] as number;
    v[arena.componentConstants + 2 * c + 1] = scaleFactor * (scales === undefined ? 1 : (scales[c] as number));
  }
  const span = spanBytes(d + 2 * k);
  if (precisions === undefined) {
    arena.kernels.sphericalDensities(arena.source * 8, span, stride * 8, d, k, arena.componentMeans * 8, 0, arena.componentConstants * 8, arena.componentSquares * 8, componentDensities * 8);
  } else {
    v.set(precisions.subarray(0, k * d), arena.componentPrecisions);
    arena.kernels.diagonalDensities(arena.source * 8, span, stride * 8, d, k, arena.componentMeans * 8, arena.componentPrecisions * 8, arena.componentConstants * 8, 0, componentDensities * 8);
  }
  if (rowStep === 1) {
    if (stride === rows && componentStep === rows) out.set(v.subarray(componentDensities, componentDensities + k * rows));
    else for (let c = 0; c < k; c++) out.set(v.subarray(componentDensities + c * stride, componentDensities + c * stride + rows), c * componentStep);
    return;
  }
  for (let c = 0; c < k; c++) {
    const column = componentDensities + c * stride;
    for (let i = 0, o = c * componentStep; i < rows; i++, o += rowStep) out[o] = v[column + i] as number;
  }
}

/**
 * out[c·componentStep + i·rowStep] = constant − scale·arena.squares[i] for the block's rows: a
 * log-density column. Component-major (rowStep 1) in WebAssembly plus one copy; row-major
 * (strided) in TypeScript.
 */
export function emitDensities(
  arena: SimdArena,
  rows: number,
  constant: number,
  scale: number,
  out: Float64Array,
  c: number,
  rowStep: number,
  componentStep: number,
  squares: number = arena.squares,
): void {
  const { view: v } = arena;
  if (rowStep === 1) {
    // `affine` works in place: on arena.squares, so squares kept elsewhere stay intact.
    if (squares !== arena.squares) v.copyWithin(arena.squares, squares, squares + rows);
    v[arena.constants] = constant;
    v[arena.constants + 1] = scale;
    arena.kernels.affine(arena.squares * 8, (rows + 1) >> 1, arena.constants * 8);
    out.set(v.subarray(arena.squares, arena.squares + rows), c * componentStep);
    return;
  }
  for (let i = 0, o = c * componentStep; i < rows; i++, o += rowStep) out[o] = constant - scale * (v[squares + i] as number);
}

let integers: Int32Array = new Int32Array(0);

/**
 * For every component, the rows of the block (weights already in arena.componentWeights) whose
 * weight exceeds `fraction` of the row's total weight; returns the Int32Array view of the
 * arena, where rowList(arena, c) starts and rowCount(arena, c) is stored.
 */
export function bucketRowsInArena(arena: SimdArena, rows: number, k: number, fraction: number): Int32Array {
  const { view: v, stride } = arena;
  v[arena.constants + 2] = fraction;
  arena.kernels.bucket(arena.componentWeights * 8, rows, stride * 8, k, arena.thresholds * 8, arena.lists * 8, arena.listCounts * 8, (arena.constants + 2) * 8);
  if (integers.buffer !== v.buffer) integers = new Int32Array(v.buffer);
  return integers;
}

/** Index (in the Int32Array) of component c's row list and of its length, after bucketRowsInArena. */
export function rowListOf(arena: SimdArena, c: number): { readonly list: number; readonly count: number } {
  return { list: arena.lists * 2 + c * arena.stride, count: arena.listCounts * 2 + c };
}

/**
 * Component c's listed rows centred (arena.centered) and weighed (arena.weighted), compacted and
 * zero-padded to a multiple of 8 rows, in WebAssembly; sums[sumOffset + a] = Σ w·(x_a − μ_ca).
 * Returns the padded row count.
 */
export function gatherRowsInArena(arena: SimdArena, d: number, c: number, count: number, means: Float64Array, sums: Float64Array, sumOffset: number): number {
  const { view: v, stride } = arena;
  v.set(means.subarray(c * d, (c + 1) * d), arena.out);
  const { list } = rowListOf(arena, c);
  arena.kernels.gather(arena.source * 8, (arena.componentWeights + c * stride) * 8, stride * 8, d, list * 4, count, arena.out * 8, arena.centered * 8, arena.weighted * 8, arena.inverse * 8);
  for (let a = 0; a < d; a++) sums[sumOffset + a] = v[arena.inverse + a] as number;
  return (count + 7) & ~7;
}
